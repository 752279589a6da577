// A move's verification step (a transition's `verify`): before anything is written, the document
// the move names (its PAN, its bank account) is checked through the app's verification providers,
// in order, each behind its breaker. Verified: the move goes on, and its effects see what was
// learnt as {{verification.<fact>}}. Mismatch or invalid: the move is refused with the step's own
// code, and the attempt counts; at the `attempts`-th failed one since the record last moved, the
// step's `review` move (an internal one: manual review by operations) is taken instead. No provider
// able to answer: 503, nothing moved. Every call is evidence, kept whatever the move's fate —
// provider, time, outcome, the document masked — in `verifications` and in the audit chain.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { EffectContext } from '../effects/effect-module.ts';
import { resolveValue } from '../effects/resolve-value.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import { ProviderError, type VerificationResult } from '../plugin-api.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { RecordRow } from '../records/record-row.ts';
import type { CompiledTransition, CompiledWorkflow } from '../workflow/compiled-workflow.ts';
import { DOCUMENT_KEYS, maskDocument, maskDocumentsIn } from './mask-document.ts';
import { verifyThroughChain } from './verify-through-chain.ts';

const DEFAULT_ATTEMPTS = 3;
/** How soon to try again when no provider could answer (a breaker stays open 30 s by default). */
const RETRY_AFTER_SECONDS = 30;

export type VerificationStepOutcome = { verified: true; facts: Readonly<Record<string, unknown>> } | { review: CompiledTransition };

export interface VerificationStepCall {
  app: CompiledApp;
  entity: string;
  wf: CompiledWorkflow;
  record: RecordRow;
  transition: CompiledTransition;
  /** What the subject's templates read: the record as the move finds it, the move's input. */
  context: EffectContext;
  actor: Actor;
  /** Where the move's input sits in the caller's body, for the path of a missing value. */
  inputPath: string;
  now: Date;
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
  // Failures count while the record has not moved (its version): once operations send it back,
  // the applicant starts afresh.
  const { rows } = await ctx.db.sql.query<{ calls: number; failed: number }>(
    `SELECT count(*)::int AS calls, (count(*) FILTER (WHERE outcome IN ('mismatch', 'invalid') AND record_version = $4))::int AS failed
       FROM verifications WHERE app = $1 AND record_id = $2::uuid AND event = $3`,
    [call.app.id, call.record.id, call.transition.event, call.record.version],
  );
  const { calls, failed } = rows[0]!;
  const reference = `${call.record.id}:${call.transition.event}:${calls + 1}`;

  let answered: { provider: string; result: VerificationResult } | undefined;
  let error: string | undefined;
  try {
    answered = await verifyThroughChain(ctx.verification(call.app), { check: step.check, subject, reference });
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    error = err.message;
    ctx.logger.warn({ app: call.app.id, record: call.record.id, event: call.transition.event, check: step.check, err: { message: err.message, vendor: err.vendor, transient: err.transient } }, 'no verification provider could answer');
  }
  const outcome = answered?.result.outcome ?? 'unavailable';
  await keepEvidence(ctx, call, { check: step.check, reference, outcome, subject, answered, error });

  if (outcome === 'verified') return { verified: true, facts: answered!.result.facts };
  if (outcome === 'unavailable') throw new AppError('VERIFICATION_UNAVAILABLE', undefined, { data: { retryAfterSeconds: RETRY_AFTER_SECONDS } });
  const attempts = step.attempts ?? DEFAULT_ATTEMPTS;
  const attempt = failed + 1;
  const review = step.review ? call.wf.transitions.find((t) => t.event === step.review && t.from === call.transition.from) : undefined;
  if (attempt >= attempts && review) return { review };
  const refusal = (outcome === 'invalid' ? step.invalid : undefined) ?? step.mismatch;
  throw new AppError('VERIFICATION_FAILED', refusal.message, { publicCode: refusal.errorCode, data: { outcome, attempt, attemptsLeft: Math.max(0, attempts - attempt) } });
}

/** One row per call (append-only) and its audit entry; the document numbers masked in both. */
async function keepEvidence(
  ctx: EngineContext,
  call: VerificationStepCall,
  e: { check: string; reference: string; outcome: string; subject: Record<string, string>; answered?: { provider: string; result: VerificationResult }; error?: string },
) {
  const documents = Object.entries(e.subject).filter(([k]) => DOCUMENT_KEYS.has(k)).map(([, v]) => v);
  const subject = Object.fromEntries(Object.entries(e.subject).map(([k, v]) => [k, DOCUMENT_KEYS.has(k) ? maskDocument(v) : v]));
  const facts = maskDocumentsIn(e.answered?.result.facts ?? {}, documents) as object;
  const evidence = maskDocumentsIn({ ...(e.answered?.result.evidence ?? {}), ...(e.answered?.result.vendorReference ? { vendorReference: e.answered.result.vendorReference } : {}) }, documents) as object;
  const error = e.error === undefined ? null : (maskDocumentsIn(e.error, documents) as string).slice(0, 500);
  const id = randomUUID();
  await ctx.db.$transaction(async (tx) => {
    await tx.verification.create({
      data: { id, app: call.app.id, entity: call.entity, recordId: call.record.id, recordVersion: call.record.version, event: call.transition.event, check: e.check, reference: e.reference, outcome: e.outcome, provider: e.answered?.provider ?? null, subject, facts, evidence, error, actorId: call.actor.id, at: call.now },
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
