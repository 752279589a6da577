// Setu PAN verification (Setu DigiGateway): POST /api/verify/pan { pan, consent, reason } with the
// x-client-id, x-client-secret and x-product-instance-id headers. It checks PANs only.
//
// Setu answers who holds the PAN (full_name) but matches no names itself, so the name given is
// matched here (name-match-score.ts) against full_name, and a score under `nameMatchThreshold`
// is a mismatch. It does not check a date of birth: `dobMatch` is always null.
// Its request has no client reference field, so the request's reference is not sent (an
// undocumented field could be refused); Setu's own `id` comes back as the vendorReference.
import { definePlugin, ProviderError, vendorRequest, type VerificationRequest, type VerificationResult } from '../../../engine/plugin-api.ts';
import { nameMatchScore } from '../name-match-score.ts';

interface SetuConfig {
  clientId: string;
  clientSecret: string;
  productInstanceId: string;
  /** https://dg.setu.co; sandbox https://dg-sandbox.setu.co. */
  baseUrl?: string;
  /** Why the PAN is looked up, sent with the applicant's consent (Setu asks for 20+ characters). */
  reason?: string;
  /** Score (0-100) from which the name given and Setu's full_name are one person's; default 80. */
  nameMatchThreshold?: number;
  timeoutMs?: number;
}

interface SetuReply {
  data?: { aadhaar_seeding_status?: unknown; category?: unknown; full_name?: unknown } | null;
  id?: unknown;
  message?: unknown;
  verification?: unknown;
  traceId?: unknown;
}

const VENDOR = 'setu';
const DEFAULT_REASON = 'Verifying PAN for account opening KYC';

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);

// ---- Setu's answers translated, once, here ----------------------------------------------------

/**
 * 200 verification SUCCESS: found; 200 FAILED ("PAN is invalid"): no such PAN. A 404 counts as
 * an unknown PAN only when its body is Setu's answer about the PAN (verification FAILED, or a
 * message naming the PAN): a 404 for a mistyped baseUrl must not fail every applicant's PAN, so
 * any other 404 is a permanent error for the operator.
 */
function toResult(status: number, reply: SetuReply, name: string | undefined, threshold: number): VerificationResult {
  const vendorReference = text(reply.id) ?? undefined;
  const invalid = (): VerificationResult => ({ outcome: 'invalid', facts: { registeredName: null, nameMatchScore: null, category: null, aadhaarSeeded: null, dobMatch: null }, evidence: { answer: reply, localNameMatch: null }, vendorReference });
  if (status === 404) {
    if (reply.verification === 'FAILED' || /\bPAN\b/i.test(String(reply.message ?? ''))) return invalid();
    throw new ProviderError(VENDOR, `setu answered 404 without an answer about the PAN (is baseUrl right?): ${JSON.stringify(reply).slice(0, 300)}`, { transient: false, vendorCode: '404' });
  }
  if (reply.verification === 'FAILED') return invalid();
  if (reply.verification !== 'SUCCESS') {
    // No verdict is no answer: transient, so the chain asks its next vendor.
    throw new ProviderError(VENDOR, `setu answered without a verdict Rulepath knows: ${JSON.stringify(reply).slice(0, 300)}`, { transient: true, vendorCode: 'UNREADABLE_ANSWER' });
  }
  const registeredName = text(reply.data?.full_name);
  // A PAN found without a holder's name confirms no name: it scores 0 against the one given.
  const score = name ? nameMatchScore(name, registeredName ?? '') : null;
  return {
    outcome: score === null || score >= threshold ? 'verified' : 'mismatch',
    facts: {
      registeredName,
      nameMatchScore: score,
      category: text(reply.data?.category),
      // Only LINKED is documented; any other value is kept in the evidence, not guessed at here.
      aadhaarSeeded: reply.data?.aadhaar_seeding_status === 'LINKED' ? true : null,
      dobMatch: null,
    },
    evidence: { answer: reply, localNameMatch: score === null ? null : { score, threshold } },
    vendorReference,
  };
}

// ---------------------------------------------------------------------------------------------

export default definePlugin<'verification', SetuConfig>({
  kind: 'verification',
  name: 'setu',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['clientId', 'clientSecret', 'productInstanceId'],
    properties: {
      clientId: { type: 'string', minLength: 1 },
      clientSecret: { type: 'string', minLength: 1 },
      productInstanceId: { type: 'string', minLength: 1 },
      baseUrl: { type: 'string', format: 'uri' },
      reason: { type: 'string', minLength: 20, maxLength: 500 },
      nameMatchThreshold: { type: 'integer', minimum: 0, maximum: 100 },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    },
  },
  create(config, deps) {
    const base = (config.baseUrl ?? 'https://dg.setu.co').replace(/\/$/, '');
    const threshold = config.nameMatchThreshold ?? 80;
    return {
      checks: ['pan'],
      async verify(request: VerificationRequest): Promise<VerificationResult> {
        if (request.check !== 'pan') throw new ProviderError(VENDOR, `setu does not check ${request.check}`, { transient: false, vendorCode: 'NOT_OFFERED' });
        const res = await vendorRequest(VENDOR, deps, `${base}/api/verify/pan`, {
          method: 'POST',
          timeoutMs: config.timeoutMs,
          ownStatuses: [404],
          headers: {
            'x-client-id': config.clientId,
            'x-client-secret': config.clientSecret,
            'x-product-instance-id': config.productInstanceId,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify({ pan: request.subject.pan ?? '', consent: 'Y', reason: config.reason ?? DEFAULT_REASON }),
        });
        const reply: unknown = await res.json().catch(() => ({}));
        return toResult(res.status, (reply && typeof reply === 'object' ? reply : {}) as SetuReply, request.subject.name || undefined, threshold);
      },
    };
  },
});
