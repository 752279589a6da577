import { createHmac, randomUUID } from 'node:crypto';
import type { OtpService } from '../otp/otp-service.ts';
import { resolveValue } from '../workflow/resolve-effects.ts';
import type { Actor } from '../auth/actor.ts';
import { actorScopeValues, requiredScopeTags, requirePermission } from '../auth/permissions.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { EntityPermission } from '../registry/definition-types.ts';
import type { Prisma } from '../store/database.ts';
import { isUniqueViolation } from '../support/database-errors.ts';
import { assertValid } from '../support/validate-body.ts';
import { allowedEvents } from '../workflow/decide-transition.ts';
import { nowFacts } from '../rules/condition-guard.ts';
import { journeyStatus, type JourneyStatus } from '../workflow/journey-status.ts';
import type { CompiledEntity } from './compile-entity.ts';
import { scopeTags, uniqueKeyValues } from './derived-columns.ts';
import { encodeCursor, parseListQuery } from './list-query.ts';
import type { RecordRow } from './record-row.ts';
import { findRecord, inTransaction, insertRecord, listRecords, lockRecord, updateRecordData, type RecordInsert } from './record-store.ts';
import { assertInScope, writeOptimistically } from './optimistic-write.ts';

export { assertInScope };
import { recordView } from './record-view.ts';
import { outboxRowsFor } from '../notify/outbox-messages.ts';
import { outboxRecordset } from '../notify/outbox-store.ts';
import { parseIfMatch, resolveApp, resolveEntity } from './resolve-target.ts';

export interface RecordTarget {
  app: string;
  entity: string;
}

export interface RecordResult {
  data: Record<string, unknown>;
  journeyStatus?: JourneyStatus;
}

// Interactive transactions wait for a pooled connection under load instead of failing at 2 s.
const TX_OPTIONS = { maxWait: 15_000, timeout: 15_000 } as const;

export function isObjectBody(body: unknown): body is Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body);
}

/** A scoped actor may only create or move records into their own scope: stamp it, refuse others. */
function applyScopeOnWrite(actor: Actor, permission: EntityPermission, data: Record<string, unknown>, creating: boolean): void {
  const scope = permission.scope;
  if (!scope) return;
  const own = actorScopeValues(actor, scope);
  if (scope.field in data && !own.includes(String(data[scope.field]))) {
    throw new AppError('FORBIDDEN', `"${scope.field}" must be within your scope`, { details: [{ path: `$.${scope.field}`, message: 'Outside your scope' }] });
  }
  // With one value in scope the record is stamped with it; with several the caller names one.
  if (creating && !(scope.field in data) && own.length === 1) data[scope.field] = own[0];
}

function duplicateError(entity: CompiledEntity, data: Record<string, unknown>, err: unknown): AppError {
  const keys = uniqueKeyValues(entity, data);
  return new AppError('DUPLICATE', `A ${entity.name} with the same ${keys.map((k) => k.fields.join(' + ')).join(' or ')} already exists`, {
    details: keys.flatMap((k) => k.fields.map((f) => ({ path: `$.${f}`, message: 'Already used by another record' }))),
    cause: err,
  });
}

/** Validation failures answer with a field's own error code when the definition gives one. */
function assertValidRecord(entity: CompiledEntity, validate: CompiledEntity['validateCreate'], data: unknown): void {
  try {
    assertValid(validate, data);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const field = err.details?.map((d) => /^\$\.([A-Za-z0-9_]+)/.exec(d.path)?.[1]).find((f) => f && entity.fields[f]?.errorCode);
    if (!field) throw err;
    throw new AppError(err.code, err.message, { details: err.details, publicCode: String(entity.fields[field]!.errorCode) });
  }
}

/** Windowed duplicate checks on HMACs of the values (the value itself is not stored for it). */
async function checkDedupe(tx: Prisma.TransactionClient, ctx: EngineContext, app: string, entity: CompiledEntity, id: string, data: Record<string, unknown>, now: Date) {
  for (const rule of entity.definition.dedupe ?? []) {
    const value = data[rule.field];
    if (value === undefined || value === null || value === '') continue;
    const hash = createHmac('sha256', ctx.hashKey).update(`${app}:${entity.name}:${rule.name}:${String(value)}`).digest('hex');
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${hash}, 0))`;
    const since = new Date(now.getTime() - rule.windowDays * 86_400_000);
    const existing = await tx.recordFingerprint.findFirst({ where: { app, entity: entity.name, name: rule.name, hash, createdAt: { gt: since } }, select: { id: true } });
    if (existing) {
      throw new AppError('DUPLICATE_IN_WINDOW', rule.message ?? `This ${rule.field} was already registered in the last ${rule.windowDays} days`, {
        details: [{ path: `$.${rule.field}`, message: 'Already registered' }],
        publicCode: rule.errorCode,
      });
    }
    await tx.recordFingerprint.create({ data: { app, entity: entity.name, name: rule.name, hash, recordId: id, createdAt: now } });
  }
}

/**
 * Claims a request id inside the create's transaction. The primary key arbitrates concurrent
 * duplicates: a second insert waits for the first to commit and then finds its row.
 */
async function claimRequest(tx: Prisma.TransactionClient, ctx: EngineContext, app: string, entity: CompiledEntity, req: { key: string; requestHash: string }, id: string, now: Date, who: { actor: Actor; permission: EntityPermission }) {
  const inserted = await tx.$executeRaw`
    INSERT INTO idempotency_keys (app, key, request_hash, record_id, created_at) VALUES (${app}, ${req.key}, ${req.requestHash}, ${id}::uuid, ${now})
    ON CONFLICT (app, key) DO NOTHING`;
  if (inserted) return;
  await answerRepeat(ctx, app, entity, req, who);
}

/** A request id seen before: 409 with what it made (the same body) or 422 (another body). */
async function answerRepeat(ctx: EngineContext, app: string, entity: CompiledEntity, req: { key: string; requestHash: string }, who: { actor: Actor; permission: EntityPermission }): Promise<void> {
  const first = await ctx.db.idempotencyKey.findUnique({ where: { app_key: { app, key: req.key } } });
  if (!first) return;
  if (first.requestHash !== req.requestHash) throw new AppError('IDEMPOTENCY_MISMATCH', undefined, { details: [{ path: '$', message: 'The request id was used before with another body' }] });
  const existing = await findRecord(ctx.db, app, entity.name, first.recordId);
  // What the first request made is shown only to someone who may see it.
  if (existing) assertInScope(who.actor, who.permission, existing);
  throw new AppError('DUPLICATE_REQUEST', undefined, { data: existing ? recordView(entity, existing) : { id: first.recordId } });
}

export function createRecordService(ctx: EngineContext, otp: OtpService) {
  const target = (t: RecordTarget) => {
    const app = resolveApp(ctx.registry(), t.app);
    return { app, entity: resolveEntity(app, t.entity) };
  };

  async function loadVisible(t: RecordTarget, actor: Actor, id: string, action: 'read' | 'update' | 'delete' | 'transition') {
    const { app, entity } = target(t);
    const permission = requirePermission(app, actor, entity.name, action);
    const row = await findRecord(ctx.db, app.id, entity.name, id);
    if (!row) throw new AppError('RECORD_NOT_FOUND', `No ${entity.name} with id "${id}"`);
    assertInScope(actor, permission, row);
    return { app, entity, permission, row };
  }

  async function eventsFor(entity: CompiledEntity, actor: Actor, permission: EntityPermission, row: RecordRow): Promise<string[] | undefined> {
    if (!entity.workflow) return undefined;
    if (!permission.transition || row.state === null) return [];
    return allowedEvents(entity.workflow, row.state, actor.role, { record: recordView(entity, row), input: {}, actor: { ...actor }, now: nowFacts(ctx.clock()) });
  }

  return {
    /** Whether the actor may do `action` on the entity at all (403 otherwise), before any costly step. */
    authorize(t: RecordTarget, actor: Actor, action: 'read' | 'create' | 'update' | 'delete' | 'transition'): void {
      const { app, entity } = target(t);
      requirePermission(app, actor, entity.name, action);
    },

    /**
     * Answers a repeated request id before anything else is checked: a client retrying after its
     * verification expired still learns that its transaction exists (409), not that it is unverified.
     */
    async replayRepeat(t: RecordTarget, actor: Actor, idempotency: { key: string; requestHash: string }): Promise<void> {
      const { app, entity } = target(t);
      const permission = requirePermission(app, actor, entity.name, 'create');
      await answerRepeat(ctx, app.id, entity, idempotency, { actor, permission });
    },

    /** `idempotency`: the client's request id and a hash of its body (PromoPartner §4.4). */
    async create(t: RecordTarget, actor: Actor, body: unknown, idempotency?: { key: string; requestHash: string }): Promise<RecordResult> {
      const { app, entity } = target(t);
      const permission = requirePermission(app, actor, entity.name, 'create');
      if (!isObjectBody(body)) throw new AppError('VALIDATION_FAILED', 'The body must be a JSON object');
      const data = { ...body };
      applyScopeOnWrite(actor, permission, data, true);
      assertValidRecord(entity, entity.validateCreate, data);
      await ctx.rules.checkWrite(app, entity.name, data);
      const now = ctx.clock();
      const id = randomUUID();
      const state = entity.workflow?.initial ?? null;
      const view = { id, ...data, ...(entity.workflow ? { [entity.workflow.field]: state } : {}), version: 1 };
      const effectCtx = { record: view, actor: { ...actor }, input: {}, now: now.toISOString(), app: { id: app.id, name: app.name } };
      const onCreate = entity.workflow?.onCreate ?? [];
      const messages = outboxRowsFor(app, onCreate, effectCtx, { recordId: id, key: `${app.id}:${id}:v1` }, ctx.logger);
      // The record, its keys, first timeline entry, audit entry and outbox rows: one statement.
      const insert: RecordInsert = {
        id, app: app.id, entity: entity.name, state, data, scopeTags: scopeTags(entity, data),
        keys: uniqueKeyValues(entity, data).map((k) => ({ keyName: k.keyName, value: k.value })),
        actorId: actor.id, role: actor.role, at: now, outbox: outboxRecordset(messages, now),
      };
      let sentOtp = false;
      try {
        // The common create (no request id, no windowed dedupe, no OTP to issue) needs nothing else.
        if (!idempotency && !entity.definition.dedupe?.length && !onCreate.some((e) => 'issueOtp' in e)) {
          const row = await insertRecord(ctx.db.sql, insert);
          if (messages.length) ctx.outboxWritten();
          ctx.rules.changed(app.id, entity.name);
          return { data: recordView(entity, row), journeyStatus: journeyStatus(entity.workflow, row.state) };
        }
        const row = await ctx.db.$transaction(async (tx) => {
          if (idempotency) await claimRequest(tx, ctx, app.id, entity, idempotency, id, now, { actor, permission });
          await checkDedupe(tx, ctx, app.id, entity, id, data, now);
          const created = await insertRecord(inTransaction(tx), insert);
          for (const effect of onCreate) {
            if (!('issueOtp' in effect)) continue;
            const sms = resolveValue(effect.issueOtp.sms, effectCtx);
            const email = resolveValue(effect.issueOtp.email, effectCtx);
            await otp.issueIn(tx, app, effect.issueOtp.policy, id, { sms: typeof sms === 'string' ? sms : undefined, email: typeof email === 'string' ? email : undefined });
            sentOtp = true;
          }
          return created;
        }, TX_OPTIONS);
        if (messages.length || sentOtp) ctx.outboxWritten();
        ctx.rules.changed(app.id, entity.name);
        return { data: recordView(entity, row), journeyStatus: journeyStatus(entity.workflow, row.state) };
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateError(entity, data, err);
        throw err;
      }
    },

    async list(t: RecordTarget, actor: Actor, query: Record<string, unknown>) {
      const { app, entity } = target(t);
      const permission = requirePermission(app, actor, entity.name, 'read');
      const q = parseListQuery(entity, query);
      const { rows, sortValues } = await listRecords(
        ctx.db,
        { app: app.id, entity: entity.name, stateField: entity.workflow?.field, scopeTags: requiredScopeTags(actor, permission) },
        q,
      );
      const page = rows.slice(0, q.limit);
      const last = page.length ? page.length - 1 : -1;
      const nextCursor = rows.length > q.limit && last >= 0 ? encodeCursor(sortValues[last], page[last]!.id) : null;
      return { items: page.map((r) => recordView(entity, r)), nextCursor };
    },

    async get(t: RecordTarget, actor: Actor, id: string): Promise<RecordResult> {
      const { entity, permission, row } = await loadVisible(t, actor, id, 'read');
      const events = await eventsFor(entity, actor, permission, row);
      return { data: { ...recordView(entity, row), ...(events ? { allowedEvents: events } : {}) }, journeyStatus: journeyStatus(entity.workflow, row.state) };
    },

    async patch(t: RecordTarget, actor: Actor, id: string, body: unknown, ifMatch?: string): Promise<RecordResult> {
      const { app, entity } = target(t);
      const permission = requirePermission(app, actor, entity.name, 'update');
      if (!isObjectBody(body)) throw new AppError('VALIDATION_FAILED', 'The body must be a JSON object');
      const expected = parseIfMatch(ifMatch);
      assertValidRecord(entity, entity.validatePatch, body);
      const changes = { ...body };
      if (Array.isArray(permission.update)) {
        const allowed = new Set(permission.update);
        const denied = Object.keys(changes).filter((f) => !allowed.has(f));
        if (denied.length) throw new AppError('FORBIDDEN', `Role "${actor.role}" may only change ${permission.update.join(', ')}`, { details: denied.map((f) => ({ path: `$.${f}`, message: 'Not yours to change' })) });
      }
      applyScopeOnWrite(actor, permission, changes, false);
      const now = ctx.clock();
      let merged: Record<string, unknown> = {};
      try {
        // Optimistic, as for status changes: no lock is held across the (async) promotion checks.
        const row = await writeOptimistically(ctx, { app: app.id, entity: entity.name, id, actor, permission, expectedVersion: expected }, async (current) => {
          // Fields set once at creation (amounts), and fields that freeze once the record moves on
          // (an invoice number after verification).
          const frozen = Object.keys(changes).filter((f) => {
            const field = entity.fields[f];
            const states = field?.editableIn as string[] | undefined;
            return field?.immutable === true || (states && !states.includes(current.state ?? ''));
          });
          if (frozen.length) {
            throw new AppError('FIELD_LOCKED', `${frozen.join(', ')} can no longer be changed in state "${current.state}"`, {
              details: frozen.map((f) => ({ path: `$.${f}`, message: entity.fields[f]!.immutable ? 'Set when the record was created; it cannot change' : `Editable only in ${(entity.fields[f]!.editableIn as string[]).join(', ')}` })),
            });
          }
          merged = { ...current.data, ...changes };
          await ctx.rules.checkWrite(app, entity.name, merged);
          const before = uniqueKeyValues(entity, current.data);
          const after = uniqueKeyValues(entity, merged);
          const same = (a: { keyName: string; value: string }, b: { keyName: string; value: string }) => a.keyName === b.keyName && a.value === b.value;
          return updateRecordData(ctx.db.sql, {
            id,
            expectedVersion: current.version,
            data: merged,
            scopeTags: scopeTags(entity, merged),
            dropKeys: before.filter((k) => !after.some((x) => same(k, x))).map(({ keyName, value }) => ({ keyName, value })),
            addKeys: after.filter((k) => !before.some((x) => same(k, x))).map(({ keyName, value }) => ({ keyName, value })),
            actorId: actor.id,
            role: actor.role,
            before: current.data,
            at: now,
          });
        });
        ctx.rules.changed(app.id, entity.name);
        return { data: recordView(entity, row), journeyStatus: journeyStatus(entity.workflow, row.state) };
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateError(entity, merged, err);
        throw err;
      }
    },

    async remove(t: RecordTarget, actor: Actor, id: string, ifMatch?: string): Promise<{ id: string; deleted: true }> {
      const { app, entity } = target(t);
      const permission = requirePermission(app, actor, entity.name, 'delete');
      const expected = parseIfMatch(ifMatch);
      const now = ctx.clock();
      await ctx.db.$transaction(async (tx) => {
        const current = await lockRecord(tx, app.id, entity.name, id);
        if (!current) throw new AppError('RECORD_NOT_FOUND', `No ${entity.name} with id "${id}"`);
        assertInScope(actor, permission, current);
        if (expected !== undefined && expected !== current.version) throw new AppError('VERSION_MISMATCH', undefined, { data: { currentVersion: current.version } });
        // Soft delete keeps the timeline and audit trail; the unique values become free again.
        await tx.record.update({ where: { id }, data: { deletedAt: now, version: { increment: 1 } } });
        await tx.recordKey.deleteMany({ where: { recordId: id } });
        await appendAudit(tx, { app: app.id, entity: entity.name, recordId: id, action: 'record.delete', actor, before: { state: current.state, data: current.data }, at: now });
      }, TX_OPTIONS);
      ctx.rules.changed(app.id, entity.name);
      return { id, deleted: true };
    },

    async timeline(t: RecordTarget, actor: Actor, id: string) {
      const { row } = await loadVisible(t, actor, id, 'read');
      const entries = await ctx.db.timelineEntry.findMany({ where: { recordId: row.id }, orderBy: { id: 'asc' }, take: 1000 });
      return entries.map((e) => ({
        id: Number(e.id),
        event: e.event,
        from: e.fromState,
        to: e.toState,
        actorId: e.actorId,
        role: e.role,
        override: e.override,
        remarks: e.remarks,
        input: e.input,
        at: e.at.toISOString(),
      }));
    },
  };
}

export type RecordService = ReturnType<typeof createRecordService>;
