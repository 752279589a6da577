import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { StoredDocument } from '../effects/render-document.ts';
import type { OtpService } from '../otp/otp-service.ts';
import type { RecordOtp } from '../otp/record-otp.ts';
import type { TransitionService } from './transition-service.ts';
import { deliverPlanned } from '../effects/deliver-planned.ts';
import type { RecordsInTransaction } from '../effects/effect-module.ts';
import { planEffects } from '../effects/plan-effects.ts';
import { NOTHING_PREPARED, preparePlanned } from '../effects/prepare-planned.ts';
import type { Actor } from '../auth/actor.ts';
import { requirePermission } from '../auth/permissions.ts';
import { assertInScope, permittedScopeValues, visibleScopeTags } from './record-scope.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { EntityPermission } from '../registry/definition-types.ts';
import type { Prisma } from '../store/database.ts';
import { isUniqueViolation } from '../support/database-errors.ts';
import { assertValid } from '../support/validate-body.ts';
import { allowedEvents } from '../workflow/decide-transition.ts';
import { nowFacts } from '../conditions/condition-guard.ts';
import { journeyStatus } from '../workflow/journey-status.ts';
import { issueRecordSession } from '../auth/record-session.ts';
import type { CompiledEntity } from './compile-entity.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { CompiledWorkflow } from '../workflow/compiled-workflow.ts';
import { followedWorkflow, releaseForNewRecord } from './followed-workflow.ts';
import { scopeTags, uniqueKeyValues } from './derived-columns.ts';
import { documentValues } from './masked-fields.ts';
import { encodeCursor, parseListQuery } from './list-query.ts';
import type { RecordRow } from './record-row.ts';
import { UUID_RE } from '../support/uuid.ts';
import { canonicalJson } from '../support/canonical-json.ts';
import { findRecord, inTransaction, insertRecord, listRecords, lockRecord, updateRecordData, type RecordInsert } from './record-store.ts';
import { writeOptimistically } from './optimistic-write.ts';
import { assignmentApplies, chooseAssignee } from './assign-record.ts';
import { assertNoHiddenFields, hiddenFields, hiddenMoveParts, withoutHidden } from './hidden-fields.ts';
import { recordRefusedAttempt } from './refused-attempts.ts';
import { applyFixedOnWrite, applyScopeOnWrite, assertFieldsEditable, assertNotComputed, assertValidFields, checkChangeRequest, duplicateError, isObjectBody, keyChanges } from './write-checks.ts';
import { applyComputed } from './computed-fields.ts';
import { dedupeFingerprint } from './dedupe-fingerprint.ts';
import { assertRecordChecks } from './record-checks.ts';

export { isObjectBody };
import { answerFor, recordView, type RecordResult, type RecordTarget } from './record-view.ts';
import { outboxRecordset } from '../notify/outbox-store.ts';
import { parseIfMatch, resolveApp, resolveEntity } from '../registry/resolve-target.ts';

export type { RecordResult, RecordTarget };

/** How long a signed download URL for a stored document lasts. */
const DOWNLOAD_URL_MS = 5 * 60_000;

/** A stored document on its way to a client: streamed by the server, or a signed URL to the store. */
export type DocumentDownload = { fileName: string; sha256?: string } & ({ stream: Readable; contentType: string } | { redirect: string });


/** Windowed duplicate checks on HMACs of the values (the value itself is not stored for it). */
async function checkDedupe(tx: Prisma.TransactionClient, ctx: EngineContext, app: string, entity: CompiledEntity, id: string, data: Record<string, unknown>, now: Date) {
  for (const rule of entity.definition.dedupe ?? []) {
    const value = data[rule.field];
    if (value === undefined || value === null || value === '') continue;
    const hash = dedupeFingerprint(ctx.hashKey, app, entity.name, rule.name, value);
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


/** The client's request id (a UUID) and a hash of the whole body, for an entity whose creates happen once per id. */
function requestIdOf(entity: CompiledEntity, body: Record<string, unknown>): { key: string; requestHash: string } | undefined {
  const field = entity.definition.idempotency?.field;
  if (!field) return undefined;
  const key = body[field];
  if (typeof key !== 'string' || !UUID_RE.test(key)) {
    throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: `$.${field}`, message: 'A request id (UUID) is required' }] });
  }
  // The proof token is left out of the hash: a retry carrying a fresh verification (the first one
  // expired) is the same request, and is answered with what the first made.
  const tokenField = entity.definition.proof?.tokenField;
  const hashed = tokenField ? Object.fromEntries(Object.entries(body).filter(([k]) => k !== tokenField)) : body;
  return { key: key.toLowerCase(), requestHash: createHash('sha256').update(canonicalJson(hashed)).digest('hex') };
}

/**
 * Spends a verification: its id is claimed beside the request ids, in the create's transaction, so
 * one verification creates one record even under parallel requests (the loser rolls back whole).
 */
async function claimProof(tx: Prisma.TransactionClient, app: string, proofId: string, id: string, now: Date) {
  const inserted = await tx.$executeRaw`
    INSERT INTO idempotency_keys (app, key, request_hash, record_id, created_at) VALUES (${app}, ${`proof:${proofId}`}, '', ${id}::uuid, ${now})
    ON CONFLICT (app, key) DO NOTHING`;
  if (!inserted) throw new AppError('CONFLICT', 'This verification was used already; verify the customer again', { details: [{ path: '$', message: 'One verification, one record' }] });
}

/** A request id seen before: 409 with what it made (the same body) or 422 (another body). */
async function answerRepeat(ctx: EngineContext, app: string, entity: CompiledEntity, req: { key: string; requestHash: string }, who: { actor: Actor; permission: EntityPermission }): Promise<void> {
  const first = await ctx.db.idempotencyKey.findUnique({ where: { app_key: { app, key: req.key } } });
  if (!first) return;
  if (first.requestHash !== req.requestHash) throw new AppError('IDEMPOTENCY_MISMATCH', undefined, { details: [{ path: '$', message: 'The request id was used before with another body' }] });
  const existing = await findRecord(ctx.db, app, entity.name, first.recordId);
  // What the first request made is shown only to someone who may see it.
  if (existing) await assertInScope(ctx.db.sql, app, who.actor, who.permission, existing);
  throw new AppError('DUPLICATE_REQUEST', undefined, { data: existing ? withoutHidden(recordView(entity, existing), hiddenFields(who.permission)) : { id: first.recordId } });
}

export function createRecordService(ctx: EngineContext, deps: { otp: OtpService; recordOtp: RecordOtp; transitions: TransitionService; inTransaction: RecordsInTransaction }) {
  const { otp } = deps;
  const target = (t: RecordTarget) => {
    const app = resolveApp(ctx.registry(), t.app);
    return { app, entity: resolveEntity(app, t.entity) };
  };

  async function loadVisible(t: RecordTarget, actor: Actor, id: string, action: 'read' | 'update' | 'delete' | 'transition') {
    const { app, entity } = target(t);
    const permission = requirePermission(app, actor, entity.name, action);
    const row = await findRecord(ctx.db, app.id, entity.name, id);
    if (!row) throw new AppError('RECORD_NOT_FOUND', `No ${entity.name} with id "${id}"`);
    await assertInScope(ctx.db.sql, app.id, actor, permission, row);
    return { app, entity, permission, row };
  }

  /**
   * The workflow a record is shown with (its stages, its next moves): the one it follows; a record
   * pinned to a release this process cannot compile is still shown, by the live workflow — a
   * change already written is never answered with an error.
   */
  async function shownWorkflow(app: CompiledApp, entity: CompiledEntity, row: RecordRow) {
    try {
      return (await followedWorkflow(ctx, app, entity, row)).entity.workflow;
    } catch (err) {
      ctx.logger.warn({ err, app: app.id, entity: entity.name, id: row.id, release: row.release }, 'a pinned record is shown by the live workflow');
      return entity.workflow;
    }
  }

  async function eventsFor(entity: CompiledEntity, workflow: CompiledWorkflow | undefined, actor: Actor, permission: EntityPermission, row: RecordRow): Promise<string[] | undefined> {
    if (!workflow) return undefined;
    if (!permission.transition || row.state === null) return [];
    return allowedEvents(workflow, row.state, actor.role, { record: recordView(entity, row), input: {}, actor: { ...actor }, now: nowFacts(ctx.clock()) });
  }

  return {
    /**
     * Everything a create requires, whatever the route: a request id answered once (a repeat is
     * answered before anything else is checked, so a retry after its verification expired still
     * learns its record exists), a proof spent once, amounts computed by the rules, scope, schema,
     * `set` effects of onCreate; then one transaction (or one statement) writes it all.
     */
    async create(t: RecordTarget, actor: Actor, body: unknown): Promise<RecordResult> {
      const { app, entity } = target(t);
      const permission = requirePermission(app, actor, entity.name, 'create');
      if (!isObjectBody(body)) throw new AppError('VALIDATION_FAILED', 'The body must be a JSON object');
      assertNoHiddenFields(hiddenFields(permission), actor.role, body);
      assertNotComputed(entity, body);
      const idempotency = requestIdOf(entity, body);
      if (idempotency) await answerRepeat(ctx, app.id, entity, idempotency, { actor, permission });
      const proof = entity.definition.proof ? await deps.recordOtp.checkProof(app, entity.definition.proof, body, actor) : undefined;
      const data = await ctx.hooks.beforeCreate(app, entity.name, actor, { ...(proof?.data ?? body) });
      applyScopeOnWrite(permission, await permittedScopeValues(ctx.db.sql, app.id, actor, permission), data, true);
      applyFixedOnWrite(actor, permission, data, true);
      if (proof) deps.recordOtp.assertWithinProofScope(app, entity, actor, data, proof);
      const now = ctx.clock();
      const id = randomUUID();
      const state = entity.workflow?.initial ?? null;
      // The workflow's onCreate effects, then the entity's own (those of an entity without a workflow).
      const onCreate = [...(entity.workflow?.onCreate ?? []), ...(entity.definition.onCreate ?? [])];
      // The onCreate effects as data: `set` fills fields from what the create knows (the creator,
      // the time); messages and codes see the record as created. Nothing runs until it is written.
      const plan = planEffects(
        onCreate,
        { actor: { ...actor }, input: {}, now: now.toISOString(), app: { id: app.id, name: app.name }, record: { id, ...data, version: 1 } },
        { app, recordId: id, key: `${app.id}:${id}:v1`, after: (set) => ({ id, ...data, ...set, ...(entity.workflow ? { [entity.workflow.field]: state } : {}), version: 1 }), documents: documentValues(entity.fields, data) },
      );
      if (Object.keys(plan.fields).length) assertValid(entity.validatePatch, plan.fields, '$.onCreate');
      Object.assign(data, plan.fields);
      applyComputed(entity.definition.computed, data);
      assertValidFields(entity.fields, entity.validateCreate, data);
      await assertRecordChecks(entity.checks, { id, ...data, ...(entity.workflow ? { [entity.workflow.field]: state } : {}) });
      await ctx.hooks.beforeWrite(app, entity.name, data);
      // Work before the write (a PDF rendered and stored), on the record as it will be written; its
      // fields are written with it. A failure here refuses the create: nothing is written.
      const prepared = plan.prepare.length
        ? await preparePlanned(plan.prepare, {
            app, entity: entity.name, recordId: id, now, blob: ctx.blob(app), logger: ctx.logger,
            record: { id, ...data, ...(entity.workflow ? { [entity.workflow.field]: state } : {}), version: 1, createdBy: actor.id, createdAt: now.toISOString(), updatedAt: now.toISOString() },
          })
        : NOTHING_PREPARED;
      Object.assign(data, prepared.fields);
      for (const s of plan.skipped) ctx.logger.debug(s.detail, s.message);
      const messages = plan.outbox;
      // The assignment rule is judged on the record as written; the user is chosen in its transaction.
      const assign = await assignmentApplies(entity, entity.assignWhen, { id, ...data, ...(entity.workflow ? { [entity.workflow.field]: state } : {}) }, actor, now);
      // A public role's record session opens what it created (auth/record-session.ts).
      const createdAnswer = async (row: RecordRow): Promise<RecordResult> => ({
        data: answerFor(entity, permission, recordView(entity, row)),
        journeyStatus: journeyStatus(entity.workflow, row.state),
        ...(permission.session ? { session: await issueRecordSession(ctx.tokens, app, entity.name, row.id, permission.session.minutes) } : {}),
      });
      // The record, its keys, first timeline entry, audit entry and outbox rows: one statement.
      const insertOf = (): RecordInsert => ({
        id, app: app.id, entity: entity.name, state, data, scopeTags: scopeTags(entity, data),
        keys: uniqueKeyValues(entity, data).map((k) => ({ keyName: k.keyName, value: k.value })),
        actorId: actor.id, role: actor.role, at: now, outbox: outboxRecordset(messages, now),
        release: releaseForNewRecord(ctx, app, entity),
      });
      try {
        // The common create (no request id, no windowed dedupe, no assignment, nothing to deliver in it, such as an OTP) needs nothing else.
        if (!idempotency && !proof && !assign && !entity.definition.dedupe?.length && !plan.deliver.length) {
          const row = await insertRecord(ctx.db.sql, insertOf());
          if (messages.length) ctx.outboxWritten();
          ctx.hooks.afterCommit(app.id, entity.name);
          return createdAnswer(row);
        }
        const row = await ctx.db.$transaction(async (tx) => {
          if (idempotency) await claimRequest(tx, ctx, app.id, entity, idempotency, id, now, { actor, permission });
          if (proof) await claimProof(tx, app.id, proof.proofId, id, now);
          await checkDedupe(tx, ctx, app.id, entity, id, data, now);
          if (assign) {
            const assignee = await chooseAssignee(inTransaction(tx), app.id, entity, data);
            if (assignee) data[entity.definition.assign!.field] = assignee;
          }
          const created = await insertRecord(inTransaction(tx), insertOf());
          await deliverPlanned(plan.deliver, { tx, otp, app, recordId: id, records: deps.inTransaction });
          return created;
        });
        // A delivered step (an OTP issued) writes its own outbox rows.
        if (messages.length || plan.deliver.length) ctx.outboxWritten();
        ctx.hooks.afterCommit(app.id, entity.name);
        return createdAnswer(row);
      } catch (err) {
        // What was prepared for a write that did not happen is no record's (render-document.ts says what becomes of it).
        await prepared.abandon();
        if (isUniqueViolation(err)) throw duplicateError(entity, data, err);
        throw err;
      }
    },

    async list(t: RecordTarget, actor: Actor, query: Record<string, unknown>) {
      const { app, entity } = target(t);
      const permission = requirePermission(app, actor, entity.name, 'read');
      const hidden = hiddenFields(permission);
      const q = parseListQuery(entity, query, hidden, actor.role);
      const { rows, sortValues } = await listRecords(
        ctx.db,
        { app: app.id, entity: entity.name, stateField: entity.workflow?.field, scopeTags: await visibleScopeTags(ctx.db.sql, app.id, actor, permission) },
        q,
      );
      const page = rows.slice(0, q.limit);
      const last = page.length ? page.length - 1 : -1;
      const nextCursor = rows.length > q.limit && last >= 0 ? encodeCursor(sortValues[last], page[last]!.id) : null;
      return { items: page.map((r) => withoutHidden(recordView(entity, r), hidden)), nextCursor };
    },

    async get(t: RecordTarget, actor: Actor, id: string): Promise<RecordResult> {
      const { app, entity, permission, row } = await loadVisible(t, actor, id, 'read');
      const workflow = await shownWorkflow(app, entity, row);
      const events = await eventsFor(entity, workflow, actor, permission, row);
      return { data: { ...withoutHidden(recordView(entity, row), hiddenFields(permission)), ...(events ? { allowedEvents: events } : {}) }, journeyStatus: journeyStatus(workflow, row.state) };
    },

    /** Field changes; a body that also names a new state is one move with those fields, all or nothing. */
    async patch(t: RecordTarget, actor: Actor, id: string, body: unknown, ifMatch?: string): Promise<RecordResult> {
      const { app, entity } = target(t);
      const wf = entity.workflow;
      if (wf && isObjectBody(body) && wf.field in body) return deps.transitions.moveTo(t, actor, id, wf.field, body, ifMatch, 'fields');
      if (!isObjectBody(body)) throw new AppError('VALIDATION_FAILED', 'The body must be a JSON object');
      const changes = { ...body };
      const now = ctx.clock();
      let merged: Record<string, unknown> = {};
      try {
        // Inside the try: a role refused the change is an attempt on the record (refused-attempts.ts).
        const permission = requirePermission(app, actor, entity.name, 'update');
        const expected = parseIfMatch(ifMatch);
        checkChangeRequest(entity, permission, actor, await permittedScopeValues(ctx.db.sql, app.id, actor, permission), changes);
        // Optimistic, as for status changes: no lock is held across the (async) promotion checks.
        const row = await writeOptimistically(ctx, { app: app.id, entity: entity.name, id, actor, permission, expectedVersion: expected }, async (current) => {
          assertFieldsEditable(entity, changes, current.state);
          merged = { ...current.data, ...changes };
          applyComputed(entity.definition.computed, merged);
          await assertRecordChecks(entity.checks, { id: current.id, ...merged, ...(entity.workflow ? { [entity.workflow.field]: current.state } : {}) });
          await ctx.hooks.beforeWrite(app, entity.name, merged);
          return updateRecordData(ctx.db.sql, {
            id,
            expectedVersion: current.version,
            data: merged,
            scopeTags: scopeTags(entity, merged),
            ...keyChanges(entity, current.data, merged),
            actorId: actor.id,
            role: actor.role,
            before: current.data,
            at: now,
          });
        });
        ctx.hooks.afterCommit(app.id, entity.name);
        const workflow = await shownWorkflow(app, entity, row);
        return { data: answerFor(entity, permission, recordView(entity, row)), journeyStatus: journeyStatus(workflow, row.state) };
      } catch (caught) {
        const err = isUniqueViolation(caught) ? duplicateError(entity, merged, caught) : caught;
        await recordRefusedAttempt(ctx, app, entity, actor, id, { fields: Object.keys(changes) }, err);
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
        await assertInScope(ctx.db.sql, app.id, actor, permission, current);
        if (expected !== undefined && expected !== current.version) throw new AppError('VERSION_MISMATCH', undefined, { data: { currentVersion: current.version } });
        // Soft delete keeps the timeline and audit trail; the unique values become free again.
        await tx.record.update({ where: { id }, data: { deletedAt: now, version: { increment: 1 } } });
        await tx.recordKey.deleteMany({ where: { recordId: id } });
        await appendAudit(tx, { app: app.id, entity: entity.name, recordId: id, action: 'record.delete', actor, before: { state: current.state, data: current.data }, at: now });
      });
      ctx.hooks.afterCommit(app.id, entity.name);
      return { id, deleted: true };
    },

    /**
     * A document a `render` effect stored for a record (the quotation's PDF), for whoever may read
     * the record, within their scope: the blob's stream, or — where the store signs its own
     * download URLs (Azure Blob) — a short-lived URL to it. Nothing else is verified on the way.
     */
    async document(t: RecordTarget, actor: Actor, id: string, field: string): Promise<DocumentDownload> {
      const { app, entity, permission, row } = await loadVisible(t, actor, id, 'read');
      // A field hidden from the role is not one it has, document or not.
      if (!Object.hasOwn(entity.fields, field) || hiddenFields(permission).has(field)) throw new AppError('NOT_FOUND', `Entity "${entity.name}" has no field "${field}"`);
      const stored = row.data[field] as Partial<StoredDocument> | undefined;
      if (!stored || typeof stored !== 'object' || typeof stored.key !== 'string' || !stored.key.startsWith(`documents/${entity.name}/${row.id}/`)) {
        throw new AppError('NOT_FOUND', `This ${entity.name} has no document in "${field}"`);
      }
      // Named after the document and the record only: nothing a client wrote reaches the header.
      const fileName = `${String(stored.document ?? field).replace(/[^A-Za-z0-9_-]/g, '')}-${row.id}.pdf`;
      const contentType = 'application/pdf';
      const blob = ctx.blob(app);
      if (blob.signedDownloadUrl) {
        const signed = await blob.signedDownloadUrl(stored.key, { expiresAt: new Date(ctx.clock().getTime() + DOWNLOAD_URL_MS), fileName, contentType });
        return { redirect: signed.url, fileName, sha256: stored.sha256 };
      }
      let stream: Readable;
      try {
        stream = await blob.read(stored.key);
      } catch (err) {
        throw new AppError('UNAVAILABLE', 'The document store did not answer; try again', { cause: err });
      }
      return { stream, fileName, contentType, sha256: stored.sha256 };
    },

    /**
     * Every accepted move and, where the entity keeps them, every refused attempt (`refused: true`,
     * its code and message). What the caller's role may not see is left out: the remarks and input
     * a move copies into hidden fields, and the names of hidden fields a refused change asked for.
     */
    async timeline(t: RecordTarget, actor: Actor, id: string) {
      const { entity, permission, row } = await loadVisible(t, actor, id, 'read');
      const hidden = hiddenFields(permission);
      const parts = hiddenMoveParts(entity.workflow, hidden);
      const entries = await ctx.db.timelineEntry.findMany({ where: { recordId: row.id }, orderBy: { id: 'asc' }, take: 1000 });
      return entries.map((e) => {
        // A file entry's remarks are its review note and its input the file's details (files/file-service.ts):
        // shown as the file list shows them, not as a move's.
        const move = !e.event.startsWith('file.');
        const input = move && e.input && typeof e.input === 'object' && !Array.isArray(e.input) && parts.input.size
          ? Object.fromEntries(Object.entries(e.input).filter(([k]) => !parts.input.has(k)))
          : e.input;
        const refused = e.outcome === 'refused';
        return {
          id: Number(e.id),
          event: e.event,
          from: e.fromState,
          to: e.toState,
          actorId: e.actorId,
          role: e.role,
          override: e.override,
          remarks: move && parts.remarks ? null : e.remarks,
          input,
          at: e.at.toISOString(),
          refused,
          ...(refused ? { code: e.errorCode, message: e.errorMessage, fields: (e.fields ?? []).filter((f) => !hidden.has(f)) } : {}),
        };
      });
    },
  };
}

export type RecordService = ReturnType<typeof createRecordService>;
