// Refused attempts in a record's timeline (entity `timeline: { refused: true }`; seed 001 §3.1: "all
// attempts are logged in the timeline"). A refused request still stores nothing of its own and
// moves no version: the entry is written after its rollback, in a statement of its own, and only
//  - for a record that exists and that the caller may read, within their scope (derived scopes
//    included, record-scope.ts): nobody writes into a timeline they cannot read, so 401, 404 and a
//    record outside one's scope (answered 404 as a missing one, `isOutOfScope`) leave nothing;
//  - for a refusal of what was asked (400 a field's value, 403 a move or field the role may not
//    make, 409, 412 a stale version, 422 the matrix or a guard, 423); a body that is not an object,
//    a missing target, an unknown event (404) or text the edge refuses never get this far;
//  - never for the scheduler (`system`): a job's refusals are in its report and retried every run.
// What is kept is bounded whatever was sent: the event or target (120 characters), the remarks (a
// string of at most 2,000, as a move takes), the catalog code, the message (500), and the names of
// the record's own fields the request named — never their values, never the input.
import type { Actor } from '../auth/actor.ts';
import { SYSTEM_ROLE } from '../auth/system-role.ts';
import type { EngineContext } from '../engine-context.ts';
import { isAppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import { storableText } from '../support/storable-text.ts';
import { UUID_RE } from '../support/uuid.ts';
import type { CompiledEntity } from './compile-entity.ts';
import { isOutOfScope, visibleScopeTags } from './record-scope.ts';

const RECORDED = new Set([400, 403, 409, 412, 422, 423]);

export interface RefusedAttempt {
  /** The event asked for, or (seed-style) the state; `update` for a change of fields alone. */
  event?: string;
  target?: string;
  override?: unknown;
  remarks?: unknown;
  /** The body's keys: only the entity's own field names are kept. */
  fields?: readonly string[];
}

const bounded = (s: string, max: number) => storableText(s.slice(0, max));

export async function recordRefusedAttempt(ctx: EngineContext, app: CompiledApp, entity: CompiledEntity, actor: Actor, id: string, attempt: RefusedAttempt, err: unknown): Promise<void> {
  if (!entity.definition.timeline?.refused || !isAppError(err) || !RECORDED.has(err.status) || isOutOfScope(err)) return;
  if (actor.role === SYSTEM_ROLE || !UUID_RE.test(id)) return;
  const read = app.roles[actor.role]?.permissions?.[entity.name];
  if (!read?.read) return;
  const wf = entity.workflow;
  const target = attempt.target !== undefined && wf && Object.hasOwn(wf.states, attempt.target) ? attempt.target : null;
  const event = bounded(attempt.event ?? attempt.target ?? 'update', 120);
  const remarks = typeof attempt.remarks === 'string' && attempt.remarks.length <= 2000 ? storableText(attempt.remarks) : null;
  const fields = (attempt.fields ?? []).filter((f) => Object.hasOwn(entity.fields, f));
  try {
    // The record's state as it is when the refusal is written; the scope test is the read's (the
    // values the actor's scope reaches now, derived ones included).
    // A record session's refused step is on its own record's timeline; never on another's.
    if (read.session && actor.session?.record !== id) return;
    const tags = read.session ? undefined : await visibleScopeTags(ctx.db.sql, app.id, actor, read);
    await ctx.db.sql.query(
      `INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, at, outcome, error_code, error_message, fields)
       SELECT id, app, entity, $4, state, $5, $6, $7, $8, $9, $10, 'refused', $11, $12, $13::text[]
       FROM records WHERE id = $1::uuid AND app = $2 AND entity = $3 AND deleted_at IS NULL
         AND ($14::text[] IS NULL OR scope_tags && $14::text[])`,
      [
        id, app.id, entity.name, event, target, actor.id, actor.role, attempt.override === true, remarks, ctx.clock(),
        err.publicCode ?? err.code, bounded(err.message, 500), fields.length ? fields : null, tags ?? null,
      ],
    );
  } catch (writeErr) {
    // The caller is answered with its refusal whatever happens here.
    ctx.logger.error({ err: writeErr, app: app.id, entity: entity.name, id }, 'could not record a refused attempt in the timeline');
  }
}
