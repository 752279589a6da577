// Records in flight when a workflow loses states: publishing such a workflow is refused with the
// count of records per removed state until the publish maps each of those states to a state of the
// new workflow; then the records move in the release's transaction, each with its timeline entry and
// audit entry (as the release's, by the admin who published it). Records pinned to a release (a
// workflow with `follows: pinned`) keep their release's states: they move only when migrated
// (migrate-pinned-records.ts), so they are neither counted nor moved here.
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { WorkflowDef } from '../registry/definition-types.ts';
import type { Prisma } from '../store/database.ts';
import type { ReleasedDefinition } from './release-store.ts';

export interface RecordMigration {
  app: string;
  entity: string;
  workflow: string;
  /** Removed state -> the state its records move to. */
  moves: Record<string, string>;
}

const isWorkflow = (d: ReleasedDefinition): d is ReleasedDefinition & { content: WorkflowDef } => d.kind === 'workflow' && (d.content as { kind?: unknown })?.kind === 'workflow';

/** Mappings name workflows of the new release and states each has (400 otherwise). */
export function assertMappingsFit(next: readonly ReleasedDefinition[], mappings: Record<string, Record<string, string>>): void {
  const workflows = new Map(next.filter(isWorkflow).map((d) => [d.name, d.content]));
  const details = Object.entries(mappings).flatMap(([name, map]) => {
    const wf = workflows.get(name);
    if (!wf) return [{ path: `$.mappings.${name}`, message: `The release has no workflow "${name}"` }];
    return Object.entries(map).filter(([, to]) => !Object.hasOwn(wf.states, to)).map(([from, to]) => ({ path: `$.mappings.${name}.${from}`, message: `"${to}" is not a state of workflow "${name}"` }));
  });
  if (details.length) throw new AppError('VALIDATION_FAILED', undefined, { details });
}

/** The records to move for each workflow that loses states; 409 with the counts while a state holding records has no mapping. */
export async function plannedMigrations(tx: Prisma.TransactionClient, app: CompiledApp, live: readonly ReleasedDefinition[], next: readonly ReleasedDefinition[], mappings: Record<string, Record<string, string>>): Promise<RecordMigration[]> {
  const before = new Map(live.filter(isWorkflow).map((d) => [d.name, d.content]));
  const planned: RecordMigration[] = [];
  const unmapped: { path: string; message: string }[] = [];
  const counts: Record<string, Record<string, number>> = {};
  for (const d of next.filter(isWorkflow)) {
    const old = before.get(d.name);
    if (!old) continue;
    const removed = Object.keys(old.states).filter((st) => !(st in d.content.states));
    if (!removed.length) continue;
    const rows = await tx.$queryRaw<{ state: string; n: number }[]>`
      SELECT state, count(*)::int AS n FROM records WHERE app = ${app.id} AND entity = ${d.content.entity} AND state = ANY(${removed}::text[]) AND release IS NULL AND deleted_at IS NULL GROUP BY state ORDER BY state`;
    if (!rows.length) continue;
    const map = mappings[d.name] ?? {};
    const moves: Record<string, string> = {};
    for (const { state, n } of rows) {
      (counts[d.name] ??= {})[state] = n;
      const to = map[state];
      if (to !== undefined && Object.hasOwn(d.content.states, to)) moves[state] = to;
      else unmapped.push({ path: `$.mappings.${d.name}.${state}`, message: `${n} ${d.content.entity} record${n === 1 ? ' is' : 's are'} in "${state}", which the new workflow removes: map it to one of its states` });
    }
    planned.push({ app: app.id, entity: d.content.entity, workflow: d.name, moves });
  }
  if (unmapped.length) throw new AppError('CONFLICT', 'The change set removes states that records are in', { details: unmapped, data: { counts } });
  return planned;
}

/** Moves the records of each removed state, with a timeline entry and an audit entry each. */
export async function migrateRecords(tx: Prisma.TransactionClient, m: RecordMigration, actor: Actor, release: number, at: Date): Promise<void> {
  for (const [from, to] of Object.entries(m.moves)) {
    await tx.$executeRaw`
      WITH moved AS (
        UPDATE records SET state = ${to}, version = version + 1, updated_at = ${at}
        WHERE app = ${m.app} AND entity = ${m.entity} AND state = ${from} AND release IS NULL AND deleted_at IS NULL
        RETURNING id, app, entity
      ), timeline AS (
        INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, at)
        SELECT id, app, entity, 'release.migrate', ${from}, ${to}, ${actor.id}, ${actor.role}, true, ${`Release ${release} removed "${from}"`}, ${at} FROM moved
      )
      INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, before, after, detail, at)
      SELECT app, entity, id, 'record.migrate', 'accepted', ${actor.id}, ${actor.role}, ${JSON.stringify({ state: from })}::jsonb, ${JSON.stringify({ state: to })}::jsonb, ${JSON.stringify({ release, workflow: m.workflow })}::jsonb, ${at} FROM moved`;
  }
}
