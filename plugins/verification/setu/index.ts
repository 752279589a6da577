// Setu DigiGateway (https://dg.setu.co; sandbox https://dg-sandbox.setu.co): JSON with the
// x-client-id, x-client-secret and x-product-instance-id headers on both calls.
//   pan: POST /api/verify/pan { pan, consent, reason }.
//   bankAccount: the sync penny drop, POST /api/verify/ban { ifsc, accountNumber }
//   (https://docs.setu.co/data/bav/api-integration/sync). It does not match names.
//
// Setu answers who holds the PAN (full_name) or the account (data.name) but matches no names
// itself, so the name given is matched here (name-match-score.ts), and a score under
// `nameMatchThreshold` is a mismatch. It does not check a date of birth: `dobMatch` is always null.
// Neither request has a client reference field, so the request's reference is not sent (an
// undocumented field could be refused); Setu's own `id` comes back as the vendorReference.
import { definePlugin, ProviderError, vendorRequest, type VerificationRequest, type VerificationResult } from '../../../engine/plugin-api.ts';
import { nameMatchScore } from '../name-match-score.ts';

interface SetuConfig {
  clientId: string;
  clientSecret: string;
  productInstanceId: string;
  /**
   * The penny drop's x-product-instance-id, where Setu set the bank account product up as an
   * instance of its own (the docs name the header, not whether PAN and BAV share one); default
   * productInstanceId.
   */
  bankAccountProductInstanceId?: string;
  /** https://dg.setu.co; sandbox https://dg-sandbox.setu.co. */
  baseUrl?: string;
  /** Why the PAN is looked up, sent with the applicant's consent (Setu asks for 20+ characters). */
  reason?: string;
  /** Score (0-100) from which the name given and Setu's (full_name, data.name) are one person's; default 80. */
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

/** The penny drop's answer: `code` is one of Setu's BAV codes. */
interface SetuBavReply {
  code?: unknown;
  verification?: unknown;
  message?: unknown;
  data?: { name?: unknown; transactionReference?: unknown; verifiedAt?: unknown } | null;
  id?: unknown;
  traceId?: unknown;
}

const VENDOR = 'setu';
const DEFAULT_REASON = 'Verifying PAN for account opening KYC';

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);

/**
 * The BAV codes whose failure is a verdict on the account or IFSC given: no such account, closed,
 * blocked or frozen, an NRE account (Cashfree counts it invalid too), an IFSC that is wrong or
 * routes nowhere. The code table lists these beside codes that only say the penny drop could not
 * be made (bank or NPCI offline, timeouts, limits, duplicates, Setu's own errors); the docs do not
 * say which of them a sync `failed` can carry, so only these are read as `invalid`.
 */
const ACCOUNT_REFUSED = new Set(['BAV52', 'BAV84', 'BAV92', 'BAVM1', 'BAVM3', 'BAVM4', 'BAVM5', 'BAVMJ', 'BAVMS', 'BAV1008']);

// ---- Setu's answers translated, once, here ----------------------------------------------------

/**
 * 200 verification SUCCESS: found; 200 FAILED ("PAN is invalid"): no such PAN. A 404 counts as
 * an unknown PAN only when its body is Setu's answer about the PAN (verification FAILED, or a
 * message naming the PAN): a 404 for a mistyped baseUrl must not fail every applicant's PAN, so
 * any other 404 is a permanent error for the operator.
 */
function panResult(status: number, reply: SetuReply, name: string | undefined, threshold: number): VerificationResult {
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

/**
 * /api/verify/ban answers 200 with `verification` "success" (the account exists: data.name is
 * the holder the bank names) or "failed" ("This account does not exist or is invalid.", with a
 * BAV code such as BAVM1). A 500 (internal_server_error / upstream_service_error) and every other
 * status are vendorRequest's: transient for 5xx and 429, permanent for 400/401/403 and 404.
 */
function bankAccountResult(reply: SetuBavReply, name: string | undefined, threshold: number): VerificationResult {
  const vendorReference = text(reply.id) ?? undefined;
  const code = text(reply.code);
  if (reply.verification === 'failed') {
    // The documented failure without a code is the account's; with a code, only ACCOUNT_REFUSED's.
    if (code === null || ACCOUNT_REFUSED.has(code)) {
      return { outcome: 'invalid', facts: { registeredName: null, nameMatchScore: null, bankName: null }, evidence: { answer: reply, localNameMatch: null }, vendorReference };
    }
    throw new ProviderError(VENDOR, `setu's penny drop failed without a verdict on the account (${code}: ${String(reply.message ?? '')})`, { transient: true, vendorCode: code });
  }
  if (reply.verification !== 'success') {
    throw new ProviderError(VENDOR, `setu answered the penny drop without a verdict Rulepath knows: ${JSON.stringify(reply).slice(0, 300)}`, { transient: true, vendorCode: 'UNREADABLE_ANSWER' });
  }
  const registeredName = text(reply.data?.name);
  // As for a PAN: an account found without a holder's name confirms no name, and scores 0.
  const score = name ? nameMatchScore(name, registeredName ?? '') : null;
  return {
    outcome: score === null || score >= threshold ? 'verified' : 'mismatch',
    // bankName: Cashfree's fact, kept so that a journey reads either vendor alike; the penny
    // drop's answer names no bank.
    facts: { registeredName, nameMatchScore: score, bankName: null },
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
      bankAccountProductInstanceId: { type: 'string', minLength: 1 },
      baseUrl: { type: 'string', format: 'uri' },
      reason: { type: 'string', minLength: 20, maxLength: 500 },
      nameMatchThreshold: { type: 'integer', minimum: 0, maximum: 100 },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    },
  },
  create(config, deps) {
    const base = (config.baseUrl ?? 'https://dg.setu.co').replace(/\/$/, '');
    const threshold = config.nameMatchThreshold ?? 80;

    async function post(path: string, productInstanceId: string, body: Record<string, string>, ownStatuses: number[] = []): Promise<{ status: number; reply: Record<string, unknown> }> {
      const res = await vendorRequest(VENDOR, deps, `${base}${path}`, {
        method: 'POST',
        timeoutMs: config.timeoutMs,
        ownStatuses,
        headers: {
          'x-client-id': config.clientId,
          'x-client-secret': config.clientSecret,
          'x-product-instance-id': productInstanceId,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
      });
      const reply: unknown = await res.json().catch(() => ({}));
      // Anything but an object is no answer: read as {}, it has no verdict (transient).
      return { status: res.status, reply: reply && typeof reply === 'object' && !Array.isArray(reply) ? (reply as Record<string, unknown>) : {} };
    }

    return {
      checks: ['pan', 'bankAccount'],
      async verify(request: VerificationRequest): Promise<VerificationResult> {
        const s = request.subject;
        const name = s.name || undefined;
        switch (request.check) {
          case 'pan': {
            const { status, reply } = await post('/api/verify/pan', config.productInstanceId, { pan: s.pan ?? '', consent: 'Y', reason: config.reason ?? DEFAULT_REASON }, [404]);
            return panResult(status, reply as SetuReply, name, threshold);
          }
          case 'bankAccount': {
            // Only the two documented fields: the name is matched here, never sent.
            const { reply } = await post('/api/verify/ban', config.bankAccountProductInstanceId ?? config.productInstanceId, { ifsc: s.ifsc ?? '', accountNumber: s.accountNumber ?? '' });
            return bankAccountResult(reply as SetuBavReply, name, threshold);
          }
          default:
            throw new ProviderError(VENDOR, `setu does not check ${request.check}`, { transient: false, vendorCode: 'NOT_OFFERED' });
        }
      },
    };
  },
});
