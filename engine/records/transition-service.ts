import type { Actor } from '../auth/actor.ts';
import { requirePermission } from '../auth/permissions.ts';
import { SYSTEM_ROLE } from '../auth/system-role.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import type { OtpService } from '../otp/otp-service.ts';
import { writeOptimistically } from './optimistic-write.ts';
import { findRecord, inTransaction, lockRecord, writeTransition, type Queryable, type TransitionWrite } from './record-store.ts';
import type { RecordRow } from './record-row.ts';
import type { CompiledEntity } from './compile-entity.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import { deliverPlanned } from '../effects/deliver-planned.ts';
import type { MoveAsk, RecordsInTransaction } from '../effects/effect-module.ts';
import type { Prisma } from '../store/database.ts';
import { answerFor, recordView, type RecordResult, type RecordTarget } from './record-view.ts';
import { parseIfMatch, resolveApp, resolveEntity } from '../registry/resolve-target.ts';
import { scopeTags } from './derived-columns.ts';
import { assertInScope, isOutOfScope, permittedScopeValues } from './record-scope.ts';
import { followedWorkflow } from './followed-workflow.ts';
import { assertNoHiddenMoveParts, hiddenFields } from './hidden-fields.ts';
import { recordRefusedAttempt } from './refused-attempts.ts';
import { applyComputed } from './computed-fields.ts';
import { assertRequiredFiles } from './required-files.ts';
import { documentValues, inputAsKept } from './masked-fields.ts';
import { maskDocumentsIn } from '../support/mask-document.ts';
import { assertRecordChecks } from './record-checks.ts';
import { assertFieldsEditable, assertRequiredInput, assertValidFields, checkChangeRequest, duplicateError, isObjectBody, keyChanges } from './write-checks.ts';
import { assertValid, bodyValidator } from '../support/validate-body.ts';
import { isUniqueViolation } from '../support/database-errors.ts';
import { allowedEvents, decideTransition, type TransitionDecision } from '../workflow/decide-transition.ts';
import { nowFacts } from '../conditions/condition-guard.ts';
import type { TransitionOutcome } from '../support/metrics.ts';
import { journeyStatus } from '../workflow/journey-status.ts';
import type { CompiledTransition } from '../workflow/compiled-workflow.ts';
import { askProviders, failedVerification, refusal, runVerificationStep, type VerificationStepOutcome } from '../verification/verification-step.ts';
import { keepPending, type PendingVerification } from '../verification/pending-verifications.ts';
import { planEffects } from '../effects/plan-effects.ts';
import { NOTHING_PREPARED, preparePlanned } from '../effects/prepare-planned.ts';
import { outboxRecordset } from '../notify/outbox-store.ts';

export interface TransitionBody {
  input?: Record<string, unknown>;
  override?: boolean;
  remarks?: string;
  /** Record fields changed with the move, in the same write (PATCH { invoiceNumber, status }). */
  fields?: Record<string, unknown>;
}

const REMARKS = { type: 'string', maxLength: 2000 } as const;
const validateEventBody = bodyValidator<TransitionBody>({
  type: 'object',
  additionalProperties: false,
  properties: { input: { type: 'object' }, override: { type: 'boolean' }, remarks: REMARKS },
});

/** A change request: the event to fire, or (seed-style) the state to move to. */
export type TransitionAsk = { event: string } | { target: string; targetField?: string };

/** A move the engine decided itself (finishing a pending verification): its target and the move whose effects run. */
interface ForcedMove {
  to: string;
  transition?: CompiledTransition;
  /** The state the record must still be in (the pending one): moved on meanwhile, the move is not made. */
  from: string;
}

/** A verifying move waiting in its pending state: what the retry job needs (pending-verifications.ts). */
interface PendingWrite {
  event: string;
  from: string;
  subject: Record<string, string>;
  input: Record<string, unknown>;
}

/** The write lost a race with another change: roll back (an OTP stays unspent) and decide again. */
class LostRace extends Error {}


/**
 * A move into a state with a cap (at most 20 active promotions): counted under a lock on that
 * state, inside the caller's transaction, so parallel moves cannot both take the last place.
 */
async function assertWithinLimit(sql: Queryable, app: string, entity: string, state: string, limit: { max: number; errorCode?: string; message?: string }) {
  await sql.query('SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 0))', [`limit:${app}:${entity}:${state}`]);
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM records WHERE app = $1 AND entity = $2 AND state = $3 AND deleted_at IS NULL', [app, entity, state]);
  if (rows[0]!.n >= limit.max) {
    throw new AppError('LIMIT_REACHED', limit.message ?? `At most ${limit.max} ${entity} records may be "${state}" at once`, { publicCode: limit.errorCode, data: { max: limit.max } });
  }
}

/** Refusals that are attempts on a record, logged as such (seed 001 §3.1 "every attempt logged"). */
const AUDITED_REFUSALS = new Set([403, 409, 422, 423]);

const pick = (data: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, data[k]]));

export function createTransitionService(ctx: EngineContext, otp: OtpService, records: RecordsInTransaction) {
  /**
   * Everything a move decides before it writes, on the record as it is now: the workflow it follows,
   * the decision for the actor's role, the effects as data, the fields, checks and hooks, a document
   * prepared. `attempt` keeps what the audit of a refused attempt says.
   */
  async function decide(app: CompiledApp, entity: CompiledEntity, current: RecordRow, actor: Actor, ask: TransitionAsk, body: TransitionBody, inputPath: string, now: Date, attempt: { from: string | null; data: Record<string, unknown> }, verified?: Map<string, VerificationStepOutcome>, forced?: ForcedMove) {
    const input = body.input ?? {};
    const fields = body.fields;
    const actorFacts = { ...actor } as Record<string, unknown>;
    const followed = await followedWorkflow(ctx, app, entity, current);
    const wf = followed.entity.workflow!;
    if ('event' in ask && !wf.events.has(ask.event)) throw new AppError('EVENT_NOT_FOUND', `Workflow "${wf.name}" has no event "${ask.event}"`);
    const inputFields = wf.definition.input ?? {};
    assertValidFields(inputFields, followed.entity.validateInput, input, inputPath);
    // Codes are checked, never stored: the timeline keeps the rest of the input.
    const codeFields = wf.transitions.flatMap((x) => (x.otp ? [x.otp.field] : []));
    const storedInput = Object.fromEntries(Object.entries(input).filter(([k]) => !codeFields.includes(k)));
    // The timeline keeps the input with its document numbers masked and its never-stored fields left out.
    const timelineInput = inputAsKept(inputFields, storedInput, true);
    const state = current.state ?? wf.initial;
    attempt.from = state;
    const recordFacts = recordView(entity, current);
    if (forced && state !== forced.from) throw new AppError('CONFLICT', `The ${entity.name} left ${forced.from} meanwhile; the verification's move is not made`);
    let decision: TransitionDecision =
      forced && 'event' in ask
        ? { event: ask.event, from: state, to: forced.to, override: false, transition: forced.transition }
        : await decideTransition(wf, state, { role: actor.role, ...ask, override: body.override, remarks: body.remarks }, { record: recordFacts, input, actor: actorFacts, now: nowFacts(now) });
    let pending: PendingWrite | undefined;
    // The code a move asks for is spent whatever its verification makes of it (review, pending).
    const code = decision.transition?.otp;
    // The input the move needs, with each field's own code (FE_PAN_INVALID), before the rest is judged.
    if (!forced) assertRequiredInput(decision.transition?.requires ?? [], inputFields, input, inputPath);
    if (!forced) await assertRequiredFiles(ctx.db.sql, app.id, current.id, decision.transition?.requiresFiles ?? [], followed.entity.definition.files ?? {});
    // A move that needs a code is refused without one before any vendor is asked.
    if (!forced && code && typeof input[code.field] !== 'string') {
      throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: `${inputPath}.${code.field}`, message: 'The code sent for this step is required' }] });
    }
    // A document the move checks first (verification/verification-step.ts), once per request:
    // a move decided again after a lost race does not ask the vendors again.
    let verification: Readonly<Record<string, unknown>> | undefined;
    if (decision.transition?.verify && !decision.override) {
      if (!verified) throw new AppError('CONFLICT', `The ${decision.event} move checks a document with a vendor, which a move made by another move cannot do`);
      const key = `${decision.event}:${decision.from}`;
      let step = verified.get(key);
      if (!step) {
        step = await runVerificationStep(ctx, { app, entity: entity.name, wf, record: current, transition: decision.transition, context: { record: recordFacts, input, actor: actorFacts, now: now.toISOString() }, actor, inputPath, now });
        verified.set(key, step);
      }
      if ('review' in step) decision = { event: step.review.event, from: state, to: step.review.to, override: false, transition: step.review };
      else if ('pending' in step) {
        // No provider could answer: the move waits in the pending state; its effects run when a retry verifies it.
        pending = { event: decision.event, from: state, subject: step.pending.subject, input: inputAsKept(inputFields, storedInput, false) };
        decision = { event: decision.event, from: state, to: step.pending.to, override: false };
      } else verification = step.facts;
    }
    const effects = [...wf.commonEffects, ...(decision.transition?.effects ?? [])];
    // Document numbers (mask: true): shown by their last four characters in messages and the audit.
    const documents = [...documentValues(entity.fields, current.data), ...documentValues(inputFields, input)];
    // Fields sent with the move are judged in the state the record is in now (an invoice number
    // may be added while New), then the move's own `set` effects apply on top.
    if (fields) assertFieldsEditable(entity, fields, current.state);
    // The effects as data; messages see the record as the move leaves it. Effects with a deliver
    // step (issueOtp) are refused outside onCreate at load (their places), so the plan is all rows.
    const found = { ...recordFacts, ...fields };
    const plan = planEffects(
      effects,
      { record: found, actor: actorFacts, input: storedInput, remarks: body.remarks, now: now.toISOString(), app: { id: app.id, name: app.name }, ...(verification ? { verification: { ...verification } } : {}) },
      {
        app: followed.app,
        recordId: current.id,
        key: `${app.id}:${current.id}:v${current.version + 1}`,
        after: (set) => ({ ...found, ...set, [wf.field]: decision.to, version: current.version + 1 }),
        documents,
      },
    );
    if (Object.keys(plan.fields).length) assertValid(entity.validatePatch, plan.fields, '$.effects');
    const changes: Record<string, unknown> = { ...fields, ...plan.fields };
    const data = { ...current.data, ...changes };
    // Computed fields follow what the move changed, and are part of what it changed.
    applyComputed(entity.definition.computed, data);
    for (const f of Object.keys(entity.definition.computed ?? {})) if (data[f] !== current.data[f]) changes[f] = data[f];
    await assertRecordChecks(entity.checks, { id: current.id, ...data, [wf.field]: decision.to });
    if (fields) await ctx.hooks.beforeWrite(app, entity.name, data);
    attempt.data = data;
    for (const s of plan.skipped) ctx.logger.debug(s.detail, s.message);
    const messages = plan.outbox;
    const write: TransitionWrite = {
      id: current.id,
      expectedVersion: current.version,
      toState: decision.to,
      data,
      scopeTags: scopeTags(entity, data),
      ...keyChanges(entity, current.data, data),
      at: now,
      timeline: { event: decision.event, fromState: decision.from, actorId: actor.id, role: actor.role, override: decision.override, remarks: body.remarks, input: Object.keys(timelineInput).length ? timelineInput : undefined },
      // Before and after of what changed (the state and the fields the effects set), not the
      // whole record: the full picture at any point is the chain of these entries.
      audit: {
        action: decision.override ? 'transition.override' : 'transition',
        before: { state: current.state, data: pick(current.data, Object.keys(changes)) },
        after: { state: decision.to, data: changes },
        detail: { event: decision.event, remarks: body.remarks },
      },
      outbox: outboxRecordset(messages, now),
    };
    // Activation of a promotion: checked and compiled now, stored with the move.
    const compiled = decision.to !== state ? await ctx.hooks.onEnter(app, entity.name, decision.to, { id: current.id, version: current.version, data }) : undefined;
    if (compiled) write.compiled = { app: app.id, ...compiled, at: now };
    // Work before the write (a PDF rendered and stored) on the record as the move writes it; its
    // fields are part of the change. A failure here refuses the move: nothing is written.
    const prepared = plan.prepare.length
      ? await preparePlanned(plan.prepare, {
          app, entity: entity.name, recordId: current.id, now, blob: ctx.blob(app), logger: ctx.logger,
          record: { ...recordFacts, ...data, [wf.field]: decision.to, version: current.version + 1, updatedAt: now.toISOString() },
        })
      : NOTHING_PREPARED;
    Object.assign(data, prepared.fields);
    Object.assign(changes, prepared.fields);
    // The audit shows document numbers (mask: true) by their last four characters, whatever the move changed.
    if (documents.length) {
      write.audit = {
        ...write.audit,
        before: { state: current.state, data: maskDocumentsIn(pick(current.data, Object.keys(changes)), documents) },
        after: { state: decision.to, data: maskDocumentsIn(changes, documents) },
      };
    }
    return { write, plan, prepared, decision, wf, messages, limit: decision.transition?.limit, code: forced ? undefined : code, pending };
  }

  /** `inputPath` is where the input sits in the caller's body ($.input generically, $ for an alias). */
  async function run(t: RecordTarget, actor: Actor, id: string, ask: TransitionAsk, body: TransitionBody, ifMatch: string | undefined, inputPath: string, engineMove?: { forced: ForcedMove; verified?: Map<string, VerificationStepOutcome> }): Promise<RecordResult> {
    const app = resolveApp(ctx.registry(), t.app);
    const entity = resolveEntity(app, t.entity);
    if (!entity.workflow) throw new AppError('EVENT_NOT_FOUND', `Entity "${entity.name}" has no workflow`);
    // The metric's event: the one decided, else the one asked for when the workflow knows it (a
    // client's made-up name is no label), else none (a move to a state no transition leads to).
    const known = 'event' in ask && entity.workflow.events.has(ask.event);
    let told = false;
    const counted = (outcome: TransitionOutcome, decided?: string) => {
      if (told) return; // once: a move that went through is not counted again should its answer fail
      told = true;
      ctx.metrics.transition(app.id, entity.name, decided ?? ('event' in ask ? (known ? ask.event : '(unknown)') : '(none)'), outcome);
    };
    // An event no release of the workflow could know is refused before the record is read; the
    // workflow the record follows (its pinned release's, or the live one) decides the rest.
    if ('event' in ask && !known && entity.workflow.definition.follows !== 'pinned') {
      counted('refused');
      throw new AppError('EVENT_NOT_FOUND', `Workflow "${entity.workflow.name}" has no event "${ask.event}"`);
    }
    const input = body.input ?? {};
    const fields = body.fields;
    const expected = parseIfMatch(ifMatch);
    const now = ctx.clock();
    const actorFacts = { ...actor } as Record<string, unknown>;

    const attempt: { from: string | null; data: Record<string, unknown> } = { from: null, data: {} }; // for the audit of a refused attempt
    const verified = engineMove?.verified ?? new Map<string, VerificationStepOutcome>();
    try {
      // Inside the try: a role refused the move or the fields is an attempt on the record, audited too.
      const permission = requirePermission(app, actor, entity.name, 'transition');
      // Remarks or input a move would copy into a field hidden from the role are not the role's to send.
      assertNoHiddenMoveParts(entity.workflow, hiddenFields(permission), actor.role, body.remarks, input, inputPath);
      if (fields) {
        const update = requirePermission(app, actor, entity.name, 'update');
        checkChangeRequest(entity, update, actor, await permittedScopeValues(ctx.db.sql, app.id, actor, update), fields);
      }
      // Every change is judged against the state it really lands on (optimistic-write.ts), and every
      // accepted one is in the timeline.
      const written = await writeOptimistically(ctx, { app: app.id, entity: entity.name, id, actor, permission, expectedVersion: expected }, async (current) => {
        const { write, plan, prepared, decision, wf, messages, limit, code, pending } = await decide(app, entity, current, actor, ask, body, inputPath, now, attempt, verified, engineMove?.forced);
        // The common move is one statement; a capped move, one that spends a code or one whose
        // effects act in its transaction (a record it creates) is a transaction, so a refusal (the
        // cap, a lost race, a refused created record) leaves the code unspent and nothing written.
        const writeIn = async (tx: Prisma.TransactionClient) => {
          const sql = inTransaction(tx);
          if (limit) await assertWithinLimit(sql, app.id, entity.name, decision.to, limit);
          const row = await writeTransition(sql, write);
          if (!row) throw new LostRace();
          await deliverPlanned(plan.deliver, { tx, otp, app, recordId: current.id, records });
          if (pending) await keepPending(tx, app.id, entity.name, current.id, pending, now);
          return row;
        };
        try {
          let row;
          // decide() refused a move that needs a code and has none (before any vendor was asked).
          if (code) row = (await otp.verifyLatest(app, code.policy, current.id, input[code.field], writeIn)).result;
          else if (limit || plan.deliver.length || pending) row = await ctx.db.$transaction(writeIn);
          else row = await writeTransition(ctx.db.sql, write);
          return row && { row, decision, messages, wf, delivered: plan.deliver.length > 0 };
        } catch (err) {
          // What was prepared for a write that did not happen (refused, lost a race) is no record's.
          await prepared.abandon();
          if (err instanceof LostRace) return undefined;
          throw err;
        }
      });
      const { row, decision, wf } = written;
      counted('moved', decision.event);
      // Records an effect created may have written messages of their own.
      if (written.messages.length || written.delivered) ctx.outboxWritten();
      ctx.hooks.afterCommit(app.id, entity.name);
      const events = await allowedEvents(wf, decision.to, actor.role, { record: recordView(entity, row), input: {}, actor: actorFacts, now: nowFacts(now) });
      return {
        data: answerFor(entity, permission, { ...recordView(entity, row), allowedEvents: events, transition: { event: decision.event, from: decision.from, to: decision.to, override: decision.override } }),
        journeyStatus: journeyStatus(wf, row.state),
      };
    } catch (caught) {
      // A refusal is the caller's (4xx, a duplicate); anything else failed on our side.
      counted((isAppError(caught) && caught.status < 500) || isUniqueViolation(caught) ? 'refused' : 'failed');
      if (isUniqueViolation(caught)) {
        const err = duplicateError(entity, attempt.data, caught);
        await recordRefusedAttempt(ctx, app, entity, actor, id, { ...ask, override: body.override, remarks: body.remarks, fields: fields && Object.keys(fields) }, err);
        throw err;
      }
      const err = caught;
      // Refused attempts are part of "every attempt logged" (seed 001 §3.1): nothing else was written for them.
      // An attempt on a record outside one's scope is one too, though the caller hears "not found".
      if (isAppError(err) && (AUDITED_REFUSALS.has(err.status) || isOutOfScope(err)) && err.code !== 'VERSION_MISMATCH') {
        await appendAudit(ctx.db, {
          app: app.id,
          entity: entity.name,
          recordId: id,
          action: 'transition',
          outcome: 'refused',
          actor,
          detail: { ...ask, from: attempt.from, override: body.override ?? false, remarks: body.remarks, ...(fields ? { fields: Object.keys(fields) } : {}), code: err.code },
          at: now,
        }).catch((auditErr: unknown) => ctx.logger.error({ err: auditErr }, 'could not audit a refused transition'));
      }
      // ...and, where the entity keeps them, in the record's timeline (refused-attempts.ts).
      await recordRefusedAttempt(ctx, app, entity, actor, id, { ...ask, override: body.override, remarks: body.remarks, fields: fields && Object.keys(fields) }, err);
      throw err;
    }
  }

  /**
   * The retry job's half of a pending verification (verification/pending-verifications.ts): asks
   * the providers again and, when they answer, finishes the move as the scheduler — verified: where
   * the move leads, with its effects and the verification's facts; mismatch or invalid: back where
   * it started (the review move at its last attempt), the reason in the remarks. A record no
   * longer waiting (operations moved it) is left as it is.
   */
  async function finishPending(p: PendingVerification, giveUp: boolean, keepVerified: (facts: Readonly<Record<string, unknown>>) => Promise<void>): Promise<'finished' | 'again'> {
    const app = resolveApp(ctx.registry(), p.app);
    const entity = resolveEntity(app, p.entity);
    const current = await findRecord(ctx.db, app.id, entity.name, p.recordId);
    if (!current) return 'finished';
    const wf = (await followedWorkflow(ctx, app, entity, current)).entity.workflow!;
    const transition = wf.transitions.find((t) => t.event === p.event && t.from === p.fromState && t.verify);
    if (!transition || current.state !== transition.verify!.pending) return 'finished';
    const actor: Actor = { id: SYSTEM_ROLE, app: app.id, role: SYSTEM_ROLE };
    const target = { app: app.id, entity: entity.name };
    const from = current.state;
    const back = (review: CompiledTransition | undefined, remarks: string) =>
      run(target, actor, current.id, { event: review?.event ?? p.event }, { remarks, ...(review ? { input: p.input } : {}) }, undefined, '$.input', { forced: { from, to: review?.to ?? p.fromState, transition: review } });
    if (giveUp) {
      const why = p.verifiedFacts ? `Verified, but the move could not be finished in ${p.tries} tries` : `No verification provider answered in ${p.tries} tries`;
      await back(failedVerification({ wf, transition }, Number.MAX_SAFE_INTEGER), why);
      return 'finished';
    }
    // Verified on an earlier pass whose move failed: finished with what was learnt, the vendor not asked (nor paid) again.
    const answer = p.verifiedFacts ? { outcome: 'verified' as const, facts: p.verifiedFacts, failed: 0 } : await askProviders(ctx, { app, entity: entity.name, record: current, transition, actor, now: ctx.clock() }, p.subject);
    if (answer.outcome === 'unavailable') return 'again';
    if (answer.outcome === 'verified') {
      if (!p.verifiedFacts) await keepVerified(answer.facts);
      const verified = new Map<string, VerificationStepOutcome>([[`${p.event}:${current.state}`, { verified: true, facts: answer.facts }]]);
      await run(target, actor, current.id, { event: p.event }, { input: p.input }, undefined, '$.input', { forced: { from, to: transition.to, transition }, verified });
      return 'finished';
    }
    const attempt = answer.failed + 1;
    await back(failedVerification({ wf, transition }, attempt), refusal(transition.verify!, answer.outcome, attempt).message);
    return 'finished';
  }

  return {
    finishPending,
    /**
     * The `move` effect's move: an event on another record inside the declaring move's transaction,
     * on behalf of the same actor and judged as if they had asked for it on that record (their
     * permission and scope there, the decision for their role, guards, limits). The row is locked,
     * so the version it is decided on is the one it is written over. Its effects are delivered
     * through `deeper` records (one step further in a chain of effects). A move that needs a code
     * cannot be made this way (refused at load; here, should a release still ask for one).
     */
    async moveIn(tx: Prisma.TransactionClient, app: CompiledApp, entityName: string, id: string, ask: MoveAsk, actorFacts: Record<string, unknown>, deeper: RecordsInTransaction): Promise<void> {
      const actor = actorFacts as unknown as Actor;
      const entity = resolveEntity(app, entityName);
      if (!entity.workflow) throw new AppError('EVENT_NOT_FOUND', `Entity "${entity.name}" has no workflow`);
      const permission = requirePermission(app, actor, entity.name, 'transition');
      const current = await lockRecord(tx, app.id, entity.name, id);
      if (!current) throw new AppError('RECORD_NOT_FOUND', `No ${entity.name} with id "${id}"`);
      // Outside the actor's scope reads as missing (404), which the move effect answers as 409.
      await assertInScope(inTransaction(tx), app.id, actor, permission, current);
      const now = ctx.clock();
      const { write, plan, prepared, decision, code, limit } = await decide(app, entity, current, actor, { event: ask.event }, { input: ask.input, remarks: ask.remarks }, '$.input', now, { from: null, data: {} });
      try {
        if (code) throw new AppError('CONFLICT', `The ${decision.event} move of a ${entity.name} asks for a code, which a move made by another move cannot send`);
        const sql = inTransaction(tx);
        if (limit) await assertWithinLimit(sql, app.id, entity.name, decision.to, limit);
        // The row is locked in this transaction: its version cannot have moved since it was read.
        if (!(await writeTransition(sql, write))) throw new AppError('CONFLICT', `The ${entity.name} changed meanwhile; try again`);
        await deliverPlanned(plan.deliver, { tx, otp, app, recordId: current.id, records: deeper });
      } catch (err) {
        await prepared.abandon();
        throw err;
      }
    },
    /** POST .../{id}/events/{event} { input?, override?, remarks? } */
    fire(t: RecordTarget, actor: Actor, id: string, event: string, body: unknown, ifMatch?: string, inputPath = '$.input') {
      return run(t, actor, id, { event }, validateEventBody(body ?? {}), ifMatch, inputPath);
    },
    /**
     * Seed-style status change: the body names the target state in `targetField`. The rest of the
     * body is the move's input (`rest: 'input'`, PATCH /leads/{id}/status), or record fields changed
     * with the move in the same write (`rest: 'fields'`, PATCH /transactions/{id} { invoiceNumber, status }).
     */
    moveTo(t: RecordTarget, actor: Actor, id: string, targetField: string, body: unknown, ifMatch?: string, rest: 'input' | 'fields' = 'input') {
      if (!isObjectBody(body)) throw new AppError('VALIDATION_FAILED', 'The body must be a JSON object');
      const fieldsOf = resolveEntity(resolveApp(ctx.registry(), t.app), t.entity).fields;
      // "override" and "remarks" steer the move unless the entity has fields of those names.
      const { [targetField]: target, ...others } = body;
      const steer = (k: string) => (rest === 'input' || !(k in fieldsOf)) && k in others;
      const override = steer('override') ? others.override : undefined;
      const remarks = steer('remarks') ? others.remarks : undefined;
      const remaining = Object.fromEntries(Object.entries(others).filter(([k]) => !((k === 'override' || k === 'remarks') && steer(k))));
      const details = [];
      if (typeof target !== 'string' || target === '') details.push({ path: `$.${targetField}`, message: `"${targetField}" is required and must be a state name` });
      if (override !== undefined && typeof override !== 'boolean') details.push({ path: '$.override', message: 'Must be of type boolean' });
      if (remarks !== undefined && (typeof remarks !== 'string' || remarks.length > 2000)) details.push({ path: '$.remarks', message: 'Must be a string of at most 2000 characters' });
      if (details.length) throw new AppError('VALIDATION_FAILED', undefined, { details });
      const moveBody = rest === 'input' ? { input: remaining } : { fields: Object.keys(remaining).length ? remaining : undefined };
      return run(t, actor, id, { target: target as string, targetField }, { ...moveBody, override: override as boolean | undefined, remarks: remarks as string | undefined }, ifMatch, '$');
    },
  };
}

export type TransitionService = ReturnType<typeof createTransitionService>;
