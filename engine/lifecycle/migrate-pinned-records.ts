// Records of a pinned workflow (`follows: pinned`) keep the release they started under. An admin
// moves them onto another release in one call: every record of the entity pinned elsewhere (or to
// one release, `from`), each in its state or in the state `mappings` names for a state the target
// workflow lacks. 409 with the count per release and state while such a state has no mapping;
// `dryRun` answers the counts alone. Each moved record gets a timeline entry and an audit entry.
import type { Actor } from '../auth/actor.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import { resolveApp } from '../registry/resolve-target.ts';
import { bodyValidator } from '../support/validate-body.ts';
import { assertMayPublish } from './definition-permissions.ts';
import { findRelease, liveRelease } from './release-store.ts';

export const MIGRATE_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['entity'],
  properties: {
    entity: { type: 'string', minLength: 1, maxLength: 100, description: 'The entity whose pinned records move' },
    from: { type: 'integer', minimum: 1, description: 'Only the records pinned to this release (default: every release but the target)' },
    mappings: {
      type: 'object',
      description: 'The state each record in a state the target workflow lacks moves to: { "PAN_SUBMITTED": "MOBILE_VERIFIED" }',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 100 },
    },
    dryRun: { type: 'boolean', description: 'Count what would move; move nothing' },
    comment: { type: 'string', maxLength: 2000 },
  },
} as const;

interface MigrateBody {
  entity: string;
  from?: number;
  mappings?: Record<string, string>;
  dryRun?: boolean;
  comment?: string;
}
const validateMigrate = bodyValidator<MigrateBody>(MIGRATE_BODY_SCHEMA);

export interface MigrationReport {
  release: number;
  entity: string;
  /** Pinned records per release they follow now, per state. */
  counts: Record<string, Record<string, number>>;
  migrated: number;
  dryRun: boolean;
}

export async function migratePinnedRecords(ctx: EngineContext, appId: string, actor: Actor, number: string, body: unknown): Promise<MigrationReport> {
  const app = resolveApp(ctx.registry(), appId);
  assertMayPublish(app, actor);
  const { entity: entityName, from, mappings = {}, dryRun = false, comment } = validateMigrate(body ?? {});
  const target = /^\d{1,9}$/.test(number) ? await findRelease(ctx.db, app.id, Number(number)) : undefined;
  if (!target) throw new AppError('NOT_FOUND', `No release ${number} of app "${app.id}"`);
  const targetApp = await ctx.releasedApp(app.id, target.number);
  const wf = targetApp?.entities.get(entityName)?.workflow;
  if (!wf) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.entity', message: `Release ${target.number} has no workflow for entity "${entityName}"` }] });
  const badMappings = Object.entries(mappings).filter(([, to]) => !Object.hasOwn(wf.states, to));
  if (badMappings.length) throw new AppError('VALIDATION_FAILED', undefined, { details: badMappings.map(([st, to]) => ({ path: `$.mappings.${st}`, message: `"${to}" is not a state of workflow "${wf.name}" in release ${target.number}` })) });
  // A record moved onto the live release of a workflow that follows the latest follows it from then on.
  const live = await liveRelease(ctx.db, app.id);
  const pinTo = live?.number === target.number && wf.definition.follows !== 'pinned' ? null : target.number;
  const now = ctx.clock();
  return ctx.db.$transaction(async (tx) => {
    // Locked first, counted after: what is counted is what moves (a record cannot change state in between).
    const picked = await tx.$queryRaw<{ id: string; release: number; state: string | null }[]>`
      SELECT id, release, state FROM records
      WHERE app = ${app.id} AND entity = ${entityName} AND release IS NOT NULL AND release <> ${target.number}
        AND (${from ?? null}::int IS NULL OR release = ${from ?? null}::int) AND deleted_at IS NULL
      ORDER BY id FOR UPDATE`;
    const counts: MigrationReport['counts'] = {};
    for (const { release, state } of picked) {
      const byState = (counts[String(release)] ??= {});
      byState[state ?? ''] = (byState[state ?? ''] ?? 0) + 1;
    }
    const unmapped = Object.entries(counts).flatMap(([release, byState]) =>
      Object.entries(byState)
        .filter(([state]) => state !== '' && !Object.hasOwn(wf.states, state) && !Object.hasOwn(mappings, state))
        .map(([state, n]) => ({ path: `$.mappings.${state}`, message: `${n} ${entityName} record${n === 1 ? '' : 's'} pinned to release ${release} ${n === 1 ? 'is' : 'are'} in "${state}", which release ${target.number} does not have: map it to one of its states` })),
    );
    if (unmapped.length) throw new AppError('CONFLICT', `Records are in states release ${target.number} does not have`, { details: unmapped, data: { counts } });
    if (dryRun || !picked.length) return { release: target.number, entity: entityName, counts, migrated: 0, dryRun };
    // Every record moved in one statement, each with its timeline entry and audit entry.
    await tx.$executeRaw`
      WITH moved AS (
        UPDATE records r SET state = COALESCE(${JSON.stringify(mappings)}::jsonb ->> p.old_state, p.old_state), release = ${pinTo}::int,
          version = r.version + 1, updated_at = ${now}
        FROM (SELECT id, release AS old_release, state AS old_state FROM records WHERE id = ANY(${picked.map((r) => r.id)}::uuid[])) p
        WHERE r.id = p.id
        RETURNING r.id, r.app, r.entity, r.state, p.old_state, p.old_release
      ), timeline AS (
        INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, at)
        SELECT id, app, entity, 'release.migrate', old_state, state, ${actor.id}, ${actor.role}, true,
          'Migrated from release ' || old_release || ' to release ' || ${target.number}::int, ${now} FROM moved
      )
      INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, before, after, detail, at)
      SELECT app, entity, id, 'record.migrate', 'accepted', ${actor.id}, ${actor.role}, jsonb_build_object('state', old_state, 'release', old_release),
        jsonb_build_object('state', state, 'release', ${target.number}::int), ${JSON.stringify({ comment: comment ?? null })}::jsonb, ${now} FROM moved`;
    await appendAudit(tx, { app: app.id, entity: '_definitions', action: 'releases.migrate', actor, detail: { release: target.number, entity: entityName, from: from ?? null, mappings, counts, comment }, at: now });
    return { release: target.number, entity: entityName, counts, migrated: picked.length, dryRun };
  });
}
