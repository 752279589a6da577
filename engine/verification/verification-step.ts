// A move's verification step (a transition's `verify`): before anything is written, the document
// the move names (its PAN, its bank account) is checked through the app's verification providers,
// in order, each behind its breaker. Verified: the move goes on, and its effects see what was
// learnt as {{verification.<fact>}}. Mismatch or invalid: the move is refused with the step's own
// code, and the attempt counts; at the `attempts`-th failed one since the record last moved, the
// step's `review` move (an internal one: manual review by operations) is taken instead. No provider
// able to answer: the move waits in the step's `pending` state, where a job asks again
// (pending-verifications.ts); without one, 503 and nothing moved. Every call is evidence, kept
// whatever the move's fate — provider, time, outcome, the document masked — in `verifications`
// and in the audit chain.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { EffectContext } from '../effects/effect-module.ts';
import { resolveValue } from '../effects/resolve-value.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import { ProviderError, type VerificationResult } from '../plugin-api.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { FieldSchema, VerifyStepDef } from '../registry/definition-types.ts';
import type { RecordRow } from '../records/record-row.ts';
import type { CompiledTransition, CompiledWorkflow } from '../workflow/compiled-workflow.ts';
import { maskDocument, maskDocumentsIn } from '../support/mask-document.ts';

/**
 * Subject keys the checks themselves name for document numbers (whatever the definitions say of
 * them), and for the one-time code aadhaarKyc spends: spent or not, a code is no evidence to keep.
 */
const DOCUMENT_KEYS: ReadonlySet<string> = new Set(['pan', 'accountNumber', 'aadhaar', 'otp']);

/**
 * The subject keys whose values are document numbers, masked in the evidence and its audit entry:
 * the checks' own (pan, accountNumber, aadhaar, otp), and any that reads a field declared `mask: true`
 * or `store: false` (the definitions, not key names, say what a document is).
 */
export function documentSubjectKeys(subject: Readonly<Record<string, string>>, fields: { input: Readonly<Record<string, FieldSchema>>; record: Readonly<Record<string, FieldSchema>> }): Set<string> {
  const keys = new Set<string>();
  for (const [key, template] of Object.entries(subject)) {
    const m = /^\s*\{\{\s*(input|record)\.([A-Za-z0-9_]+)\s*\}\}\s*$/.exec(template);
    const field = m ? fields[m[1] as 'input' | 'record'][m[2]!] : undefined;
    if (DOCUMENT_KEYS.has(key) || field?.mask === true || field?.store === false) keys.add(key);
  }
  return keys;
}
import { verifyThroughChain } from './verify-through-chain.ts';

const DEFAULT_ATTEMPTS = 3;
/** How soon to try again when no provider could answer (a breaker stays open 30 s by default). */
const RETRY_AFTER_SECONDS = 30;

export type VerificationStepOutcome =
  | { verified: true; facts: Readonly<Record<string, unknown>> }
  | { review: CompiledTransition }
  /** No provider could answer: the move goes to the step's pending state, the subject kept for the retry. */
  | { pending: { to: string; subject: Record<string, string> } };

/** What the providers said of one call (also the retry job's). */
export type ProvidersAnswer = { outcome: 'verified' | 'mismatch' | 'invalid' | 'unavailable'; facts: Readonly<Record<string, unknown>> };

/** One call of a step: whose record, which move, who asks, when. */
export interface VerificationCall {
  app: CompiledApp;
  entity: string;
  record: RecordRow;
  transition: CompiledTransition;
  actor: Actor;
  now: Date;
}

export interface VerificationStepCall extends VerificationCall {
  wf: CompiledWorkflow;
  /** What the subject's templates read: the record as the move finds it, the move's input. */
  context: EffectContext;
  /** Where the move's input sits in the caller's body, for the path of a missing value. */
  inputPath: string;
}

/** The subject's values, resolved; an empty one is the caller's to send. */
function subjectOf(call: VerificationStepCall): Record<string, string> {
  const subject: Record<string, string> = {};
  for (const [key, template] of Object.entries(call.transition.verify!.subject)) {
    const value = resolveValue(template, call.context);
    if (typeof value !== 'string' && typeof value !== 'number') {
      const field = /^\{\{\s*input\.([A-Za-z0-9_]+)\s*\}\}$/.exec(template)?.[1];
      throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: field ? `${call.inputPath}.${field}` : `$.verify.subject.${key}`, message: 'Required for the verification of this step' }] });
    }
    subject[key] = String(value).trim();
  }
  return subject;
}

export async function runVerificationStep(ctx: EngineContext, call: VerificationStepCall): Promise<VerificationStepOutcome> {
  const step = call.transition.verify!;
  const subject = subjectOf(call);
  const { outcome, facts, failed, permanent } = await askProviders(ctx, call, subject);
  if (outcome === 'verified') return { verified: true, facts };
  if (outcome === 'unavailable') {
    // A vendor refusing the request itself (bad credentials, a malformed call) is no outage to wait out.
    if (step.pending && !permanent) return { pending: { to: step.pending, subject } };
    throw new AppError('VERIFICATION_UNAVAILABLE', undefined, { data: { retryAfterSeconds: RETRY_AFTER_SECONDS } });
  }
  const review = failedVerification(call, failed + 1);
  if (review) return { review };
  throw refusal(step, outcome, failed + 1);
}

/** The step's review move when `attempt` failed verifications reach its attempts. */
export function failedVerification(call: Pick<VerificationCall, 'transition'> & { wf: CompiledWorkflow }, attempt: number): CompiledTransition | undefined {
  const step = call.transition.verify!;
  if (attempt < (step.attempts ?? DEFAULT_ATTEMPTS) || !step.review) return undefined;
  return call.wf.transitions.find((t) => t.event === step.review && t.from === call.transition.from);
}

/** 422 with the step's own code for what the providers found. */
export function refusal(step: VerifyStepDef, outcome: 'mismatch' | 'invalid', attempt: number): AppError {
  const attempts = step.attempts ?? DEFAULT_ATTEMPTS;
  const r = (outcome === 'invalid' ? step.invalid : undefined) ?? step.mismatch;
  return new AppError('VERIFICATION_FAILED', r.message, { publicCode: r.errorCode, data: { outcome, attempt, attemptsLeft: Math.max(0, attempts - attempt) } });
}

/**
 * Asks the app's providers, in order, and keeps the call as evidence. `failed`: the failed
 * verifications of this move while the record has not moved (its version) — once operations send
 * it back, the applicant starts afresh. A trip through the step's own pending state is no move
 * for this: while the record waits there, or when its last move was the way back from there, the
 * count goes on from where it was (`counted_since`), so a vendor outage gives nobody fresh tries.
 */
export async function askProviders(ctx: EngineContext, call: VerificationCall, subject: Record<string, string>): Promise<ProvidersAnswer & { failed: number; permanent: boolean }> {
  const step = call.transition.verify!;
  const { rows } = await ctx.db.sql.query<{ calls: number; failed: number; since: number }>(
    `WITH last_move AS (
       SELECT event, from_state, to_state FROM timeline_entries
        WHERE record_id = $2::uuid AND outcome = 'accepted' AND from_state IS DISTINCT FROM to_state
        ORDER BY id DESC LIMIT 1
     ), since AS (
       SELECT CASE WHEN EXISTS (SELECT 1 FROM last_move WHERE event = $3 AND $5::text IN (from_state, to_state))
         THEN COALESCE((SELECT max(COALESCE(counted_since, record_version)) FROM verifications WHERE app = $1 AND record_id = $2::uuid AND event = $3), $4)
         ELSE $4 END AS v
     )
     SELECT count(*)::int AS calls, (count(*) FILTER (WHERE outcome IN ('mismatch', 'invalid') AND record_version >= (SELECT v FROM since)))::int AS failed, (SELECT v FROM since) AS since
       FROM verifications WHERE app = $1 AND record_id = $2::uuid AND event = $3`,
    [call.app.id, call.record.id, call.transition.event, call.record.version, step.pending ?? null],
  );
  const { calls, failed, since } = rows[0]!;
  const reference = `${call.record.id}:${call.transition.event}:${calls + 1}`;

  let answered: { provider: string; result: VerificationResult } | undefined;
  let error: string | undefined;
  let permanent = false;
  try {
    answered = await verifyThroughChain(ctx.verification(call.app), { check: step.check, subject, reference });
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    error = err.message;
    permanent = !err.transient;
    (permanent ? ctx.logger.error.bind(ctx.logger) : ctx.logger.warn.bind(ctx.logger))({ app: call.app.id, record: call.record.id, event: call.transition.event, check: step.check, err: { message: err.message, vendor: err.vendor, transient: err.transient } }, 'no verification provider could answer');
  }
  const outcome = answered?.result.outcome ?? 'unavailable';
  await keepEvidence(ctx, call, { check: step.check, reference, outcome, subject, answered, error, countedSince: since });
  return { outcome, facts: answered?.result.facts ?? {}, failed, permanent };
}

/** One row per call (append-only) and its audit entry; the document numbers masked in both. */
async function keepEvidence(
  ctx: EngineContext,
  call: VerificationCall,
  e: { check: string; reference: string; outcome: string; subject: Record<string, string>; answered?: { provider: string; result: VerificationResult }; error?: string; countedSince: number },
) {
  const entity = call.app.entities.get(call.entity);
  const keys = documentSubjectKeys(call.transition.verify!.subject, { input: entity?.workflow?.definition.input ?? {}, record: entity?.fields ?? {} });
  const documents = Object.entries(e.subject).filter(([k]) => keys.has(k)).map(([, v]) => v);
  const subject = Object.fromEntries(Object.entries(e.subject).map(([k, v]) => [k, keys.has(k) ? maskDocument(v) : v]));
  const facts = maskDocumentsIn(e.answered?.result.facts ?? {}, documents) as object;
  const evidence = maskDocumentsIn({ ...(e.answered?.result.evidence ?? {}), ...(e.answered?.result.vendorReference ? { vendorReference: e.answered.result.vendorReference } : {}) }, documents) as object;
  const error = e.error === undefined ? null : (maskDocumentsIn(e.error, documents) as string).slice(0, 500);
  const id = randomUUID();
  await ctx.db.$transaction(async (tx) => {
    await tx.verification.create({
      data: { id, app: call.app.id, entity: call.entity, recordId: call.record.id, recordVersion: call.record.version, countedSince: e.countedSince, event: call.transition.event, check: e.check, reference: e.reference, outcome: e.outcome, provider: e.answered?.provider ?? null, subject, facts, evidence, error, actorId: call.actor.id, at: call.now },
    });
    await appendAudit(tx, {
      app: call.app.id,
      entity: call.entity,
      recordId: call.record.id,
      action: 'verification',
      outcome: e.outcome === 'verified' ? 'accepted' : 'refused',
      actor: call.actor,
      detail: { verification: id, event: call.transition.event, check: e.check, reference: e.reference, outcome: e.outcome, provider: e.answered?.provider ?? null, subject, ...(error ? { error } : {}) },
      at: call.now,
    });
  });
}
