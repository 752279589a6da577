// Records read, created and moved inside another write's transaction: what the `create` effect
// needs (a commission created with the move that executes its lead) and the `move` effect (a lead
// moved with the quotation its customer accepts; the move itself is the transition service's,
// the caller's permissions and scope included). A created record goes through what any create
// goes through — its workflow's initial state, its onCreate effects, computed fields, its schema,
// unique keys, module checks, timeline, audit, outbox — except the caller's permissions: the
// definition that declares the effect decides, on behalf of the actor who moved.
import { randomUUID } from 'node:crypto';
import type { MoveAsk, RecordsInTransaction } from '../effects/effect-module.ts';
import { deliverPlanned } from '../effects/deliver-planned.ts';
import { planEffects } from '../effects/plan-effects.ts';
import { NOTHING_PREPARED, preparePlanned, type PreparedAll } from '../effects/prepare-planned.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import { outboxRecordset } from '../notify/outbox-store.ts';
import type { OtpService } from '../otp/otp-service.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { Prisma } from '../store/database.ts';
import { resolveEntity } from '../registry/resolve-target.ts';
import { applyComputed } from './computed-fields.ts';
import { assertRecordChecks } from './record-checks.ts';
import { scopeTags, uniqueKeyValues } from './derived-columns.ts';
import { followedWorkflow, releaseForNewRecord } from './followed-workflow.ts';
import { inTransaction, insertRecord, lockRecord } from './record-store.ts';
import { recordView } from './record-view.ts';
import { assertValidFields, duplicateError } from './write-checks.ts';
import { isUniqueViolation } from '../support/database-errors.ts';
import { documentValues } from './masked-fields.ts';

/** A record created or moved by an effect may create or move another (a chain), but not without end (A moves B moves A). */
const MAX_DEPTH = 3;

/** A move inside another write's transaction: the transition service's (bound once both exist). */
export interface MovesInTransaction {
  moveIn(tx: Prisma.TransactionClient, app: CompiledApp, entity: string, id: string, ask: MoveAsk, actor: Record<string, unknown>, records: RecordsInTransaction): Promise<void>;
}

/** The same records, one step deeper in a chain of effects. */
export function deeper(records: RecordsInTransaction, depth: number): RecordsInTransaction {
  return {
    read: records.read,
    createIn: (t, a, e, d, who) => records.createIn(t, a, e, d, who, depth + 1),
    moveIn: (t, a, e, id, ask, who) => records.moveIn(t, a, e, id, ask, who, depth + 1),
  };
}

export function createRecordsInTransaction(ctx: EngineContext, otp: Pick<OtpService, 'issueIn'>, moves: () => MovesInTransaction): RecordsInTransaction {
  const records: RecordsInTransaction = {
    async moveIn(tx, app, entityName, id, ask, actor, depth = 0) {
      if (depth >= MAX_DEPTH) throw new AppError('CONFLICT', `Records moving records went ${MAX_DEPTH} deep: the definitions loop`);
      await moves().moveIn(tx, app, entityName, id, ask, actor, deeper(records, depth));
    },
    async read(tx, app, entityName, id) {
      const entity = resolveEntity(app, entityName);
      const row = await lockRecord(tx, app.id, entity.name, id);
      return row && recordView((await followedWorkflow(ctx, app, entity, row)).entity, row);
    },
    async createIn(tx, app, entityName, fields, actor, depth = 0) {
      if (depth >= MAX_DEPTH) throw new AppError('CONFLICT', `Records creating records went ${MAX_DEPTH} deep: the definitions loop`);
      const entity = resolveEntity(app, entityName);
      const id = randomUUID();
      const now = ctx.clock();
      const data = { ...fields };
      const state = entity.workflow?.initial ?? null;
      let prepared: PreparedAll = NOTHING_PREPARED;
      try {
        const plan = planEffects(
          [...(entity.workflow?.onCreate ?? []), ...(entity.definition.onCreate ?? [])],
          { actor, input: {}, now: now.toISOString(), app: { id: app.id, name: app.name }, record: { id, ...data, version: 1 } },
          { app, recordId: id, key: `${app.id}:${id}:v1`, after: (set) => ({ id, ...data, ...set, ...(entity.workflow ? { [entity.workflow.field]: state } : {}), version: 1 }), documents: documentValues(entity.fields, data) },
        );
        Object.assign(data, plan.fields);
        applyComputed(entity.definition.computed, data);
        assertValidFields(entity.fields, entity.validateCreate, data);
        await assertRecordChecks(entity.checks, { id, ...data, ...(entity.workflow ? { [entity.workflow.field]: state } : {}) });
        await ctx.hooks.beforeWrite(app, entity.name, data);
        // A PDF of the new record, stored before it is written (inside the move's transaction).
        if (plan.prepare.length) {
          prepared = await preparePlanned(plan.prepare, {
            app, entity: entity.name, recordId: id, now, blob: ctx.blob(app), logger: ctx.logger,
            record: { id, ...data, ...(entity.workflow ? { [entity.workflow.field]: state } : {}), version: 1, createdBy: String(actor.id), createdAt: now.toISOString(), updatedAt: now.toISOString() },
          });
          Object.assign(data, prepared.fields);
        }
        await insertRecord(inTransaction(tx), {
          id, app: app.id, entity: entity.name, state, data, scopeTags: scopeTags(entity, data),
          keys: uniqueKeyValues(entity, data).map((k) => ({ keyName: k.keyName, value: k.value })),
          actorId: String(actor.id), role: String(actor.role), at: now, outbox: outboxRecordset(plan.outbox, now),
          release: releaseForNewRecord(ctx, app, entity),
        });
        await deliverPlanned(plan.deliver, { tx, otp, app, recordId: id, records: deeper(records, depth) });
      } catch (err) {
        await prepared.abandon();
        // Said as what it is: the record this move creates, not the caller's body.
        if (isAppError(err) && err.code === 'VALIDATION_FAILED') {
          throw new AppError('CONFLICT', `The ${entity.name} this move creates is not valid`, { publicCode: err.publicCode, details: (err.details ?? []).map((d) => ({ path: d.path.replace(/^\$/, `$.create.${entity.name}`), message: d.message })) });
        }
        if (isUniqueViolation(err)) throw duplicateError(entity, data, err);
        throw err;
      }
      return id;
    },
  };
  return records;
}
