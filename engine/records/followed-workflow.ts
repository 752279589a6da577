// The workflow a record follows. A workflow that pins its records (`follows: pinned`, an onboarding
// journey) keeps each record on the release it started under until it is migrated: its moves, the
// events it is offered, its journey stages and the messages its moves send come from that release's
// workflow and templates. Its fields stay the live entity's (one table, one schema for the data).
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { CompiledEntity } from './compile-entity.ts';
import type { RecordRow } from './record-row.ts';

export interface FollowedWorkflow {
  /** The app the record's moves are decided and rendered in (the live app, or its pinned release). */
  app: CompiledApp;
  /** The entity as that app compiled it: its `workflow` and the validators of the workflow's input. */
  entity: CompiledEntity;
}

export async function followedWorkflow(ctx: EngineContext, app: CompiledApp, entity: CompiledEntity, row: Pick<RecordRow, 'release'>): Promise<FollowedWorkflow> {
  if (row.release === null) return { app, entity };
  const pinned = await ctx.releasedApp(app.id, row.release);
  const pinnedEntity = pinned?.entities.get(entity.name);
  if (!pinned || !pinnedEntity?.workflow) {
    throw new AppError('CONFLICT', `This ${entity.name} follows release ${row.release}, which this server cannot serve: migrate it to the live release`, { data: { release: row.release } });
  }
  return { app: pinned, entity: pinnedEntity };
}

/** The release a new record is pinned to: the live one, when its workflow pins records. */
export const releaseForNewRecord = (ctx: EngineContext, app: CompiledApp, entity: CompiledEntity): number | null =>
  entity.workflow?.definition.follows === 'pinned' ? (ctx.registry().releases?.get(app.id) ?? null) : null;
