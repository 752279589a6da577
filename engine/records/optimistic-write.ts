// Optimistic last-write-wins for changes to one record (field changes, status changes): read the
// record, decide, write only if it is still that version; otherwise read again and decide again.
// Every change is judged against the record it really lands on, and no row lock is held across
// a decision (guards and promotion checks are async).
import type { Actor } from '../auth/actor.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { EntityPermission } from '../registry/definition-types.ts';
import type { RecordRow } from './record-row.ts';
import { assertSessionRecord } from '../auth/record-session.ts';
import { carriesScope, outOfScope, visibleScopeTags } from './record-scope.ts';
import { findRecord } from './record-store.ts';

// Under a burst on one record every round lets at least one writer through; the cap only stops a
// pathological livelock, and the jittered pause spreads the losers out.
const MAX_ATTEMPTS = 200;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 + attempt, 20)));

export interface OptimisticTarget {
  app: string;
  entity: string;
  id: string;
  actor: Actor;
  permission: EntityPermission;
  /** The version the caller said it read (If-Match): 412 when the record is elsewhere. */
  expectedVersion?: number;
}

/** `decideAndWrite` returns what it wrote, or undefined when another write came first. */
export async function writeOptimistically<T>(ctx: EngineContext, t: OptimisticTarget, decideAndWrite: (current: RecordRow) => Promise<T | undefined>): Promise<T> {
  // A record session opens its own record only (and has no scope besides: checked at load).
  const tags = t.permission.session ? undefined : await visibleScopeTags(ctx.db.sql, t.app, t.actor, t.permission);
  for (let attempt = 0; ; attempt++) {
    const current = await findRecord(ctx.db, t.app, t.entity, t.id);
    if (!current) throw new AppError('RECORD_NOT_FOUND', `No ${t.entity} with id "${t.id}"`);
    assertSessionRecord(t.actor, t.permission, current);
    if (!carriesScope(tags, current)) throw outOfScope(current);
    if (t.expectedVersion !== undefined && t.expectedVersion !== current.version) throw new AppError('VERSION_MISMATCH', undefined, { data: { currentVersion: current.version } });
    const written = await decideAndWrite(current);
    if (written !== undefined) return written;
    if (attempt >= MAX_ATTEMPTS) throw new AppError('CONFLICT', 'The record is changing too fast; try again');
    await pause(attempt);
  }
}
