// Cashfree Verification Suite (Secure ID): a PAN against the Income Tax Department (pan-lite), a
// bank account by a penny drop (bank-account/sync), two spellings of a name (name-match) and the
// Aadhaar offline e-KYC (offline-aadhaar/otp, then offline-aadhaar/verify). JSON over HTTPS,
// credentials in the x-client-id / x-client-secret headers. Only the documented fields are sent
// (no x-api-version header; the x-cf-signature header is for accounts whose IP is not whitelisted).
//
// The request's reference travels as `verification_id` where the API has one (pan-lite,
// name-match), derived so that it fits Cashfree's rules (verification-id.ts); bank-account/sync
// and the offline Aadhaar calls document no client reference, so none is sent there. Cashfree's
// own `reference_id` (`ref_id` for Aadhaar) comes back as the vendorReference.
import { definePlugin, ProviderError, vendorRequest, type VerificationRequest, type VerificationResult } from '../../../engine/plugin-api.ts';
import { cashfreeVerificationId } from './verification-id.ts';

interface CashfreeConfig {
  clientId: string;
  clientSecret: string;
  /** https://api.cashfree.com/verification; sandbox https://sandbox.cashfree.com/verification. */
  baseUrl?: string;
  timeoutMs?: number;
}

type Subject = VerificationRequest['subject'];
type Reply = Record<string, unknown>;

const VENDOR = 'cashfree';

/** Cashfree's name-match verdicts (name-match `reason`, bank-account `name_match_result`): the same name or not. */
const SAME_NAME: Readonly<Record<string, boolean>> = {
  DIRECT_MATCH: true,
  GOOD_PARTIAL_MATCH: true,
  MODERATE_PARTIAL_MATCH: true,
  POOR_PARTIAL_MATCH: false,
  NO_MATCH: false,
};

// The Income Tax Department's PAN status codes for a PAN that is not (or no longer) a live one:
// fake, deactivated, deleted, no record. Cashfree's `status` is the answer; these only keep a
// PAN that Cashfree would call VALID while the department says it is not active from passing
// as verified (the conservative reading: pan_status is documented only by its example, "E").
const DEAD_PAN_STATUSES = new Set(['F', 'X', 'D', 'N']);

const yesNo = (value: unknown) => (value === 'Y' ? true : value === 'N' ? false : null);
const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);
const reference = (reply: Reply) => (reply.reference_id === undefined || reply.reference_id === null ? undefined : String(reply.reference_id));

/** An answer Rulepath cannot read is no verdict: transient, so the chain asks its next vendor. */
function unreadable(what: string, reply: Reply): ProviderError {
  return new ProviderError(VENDOR, `cashfree answered ${what} without a verdict Rulepath knows: ${JSON.stringify(reply).slice(0, 300)}`, { transient: true, vendorCode: 'UNREADABLE_ANSWER' });
}

// ---- Cashfree's answers translated, once, here ------------------------------------------------

/** 400 { code, message, type: "validation_error" }: the request's own fault, never retried. */
function refusal(reply: unknown): ProviderError {
  const r = (reply ?? {}) as { code?: unknown; message?: unknown; type?: unknown };
  const code = text(r.code) ?? '400';
  return new ProviderError(VENDOR, `cashfree refused the request (${code}${text(r.type) ? `, ${String(r.type)}` : ''}): ${text(r.message) ?? 'no reason given'}`, { transient: false, vendorCode: code });
}

/**
 * pan-lite: status VALID / INVALID; name_match and dob_match Y / N for what was sent. PAN Lite
 * says whether the name matches but does not disclose the registered one (the example's `name`
 * reads as the name sent back), so `registeredName` is that name only when Cashfree says it
 * matches, and null otherwise.
 */
function panResult(subject: Subject, reply: Reply): VerificationResult {
  const panStatus = text(reply.pan_status);
  const facts = { panStatus, aadhaarSeeded: yesNo(reply.aadhaar_seeding_status) };
  if (reply.status === 'INVALID' || (reply.status === 'VALID' && panStatus && DEAD_PAN_STATUSES.has(panStatus))) {
    return { outcome: 'invalid', facts: { ...facts, registeredName: null, nameMatch: null, dobMatch: null }, evidence: reply, vendorReference: reference(reply) };
  }
  if (reply.status !== 'VALID') throw unreadable('pan-lite', reply);
  // Only what was sent is judged; a Y/N missing for something sent is no verdict either.
  const nameMatch = subject.name ? yesNo(reply.name_match) : null;
  const dobMatch = subject.dateOfBirth ? yesNo(reply.dob_match) : null;
  if ((subject.name && nameMatch === null) || (subject.dateOfBirth && dobMatch === null)) throw unreadable('pan-lite', reply);
  const outcome = nameMatch === false || dobMatch === false ? 'mismatch' : 'verified';
  const registeredName = nameMatch === true ? (text(reply.name) ?? subject.name ?? null) : null;
  return { outcome, facts: { ...facts, registeredName, nameMatch, dobMatch }, evidence: reply, vendorReference: reference(reply) };
}

/** bank-account/sync: account_status VALID / INVALID; the bank's holder name and Cashfree's verdict on it. */
function bankAccountResult(subject: Subject, reply: Reply): VerificationResult {
  const score = Number(reply.name_match_score);
  const facts = { registeredName: text(reply.name_at_bank), nameMatchScore: reply.name_match_score !== undefined && Number.isFinite(score) ? Math.round(score) : null, bankName: text(reply.bank_name) };
  if (reply.account_status === 'INVALID') return { outcome: 'invalid', facts, evidence: reply, vendorReference: reference(reply) };
  if (reply.account_status !== 'VALID') throw unreadable('bank-account/sync', reply);
  if (!subject.name) return { outcome: 'verified', facts, evidence: reply, vendorReference: reference(reply) };
  const same = SAME_NAME[String(reply.name_match_result)];
  if (same === undefined) throw unreadable('bank-account/sync', reply);
  return { outcome: same ? 'verified' : 'mismatch', facts, evidence: reply, vendorReference: reference(reply) };
}

/** name-match: status SUCCESS, score 0-1, reason as for bank accounts. */
function nameMatchResult(reply: Reply): VerificationResult {
  const same = SAME_NAME[String(reply.reason)];
  if (reply.status !== 'SUCCESS' || same === undefined) throw unreadable('name-match', reply);
  const score = Number(reply.score);
  const facts = { nameMatchScore: reply.score !== undefined && reply.score !== null && Number.isFinite(score) ? Math.round(score * 100) : null };
  return { outcome: same ? 'verified' : 'mismatch', facts, evidence: reply, vendorReference: reference(reply) };
}

// Offline Aadhaar (OKYC), https://www.cashfree.com/docs/api-reference/vrs/v2/aadhaar/generate-otp-to-verify-aadhaar
// and .../submit-otp-to-verify-aadhaar. Its verdicts are told by `message` (the documented response
// codes' texts); read case-insensitively, as words, not as exact strings.
const AADHAAR_INVALID = /invalid aadhaar/i;
const NO_LINKED_MOBILE = /not linked to mobile/i;
/**
 * The 400s of offline-aadhaar/verify that are a verdict on what the holder gave, not on the
 * request: a wrong or malformed code, an expired code or session, a ref_id Cashfree does not know,
 * and the Aadhaar's own (invalid, no linked mobile). Any other 400 (a header missing, test
 * credentials on production) is the request's fault, as elsewhere.
 */
const OKYC_VERDICTS = [/otp entered is invalid/i, /enter a valid otp/i, /otp expired/i, /session expired/i, /enter a valid ref_id/i, AADHAAR_INVALID, NO_LINKED_MOBILE];
const GENDERS: Readonly<Record<string, string>> = { M: 'male', F: 'female', T: 'other' };
/** What the e-KYC answer carries that the evidence does not keep: the holder's photo, the XML's link and its share code. */
const NOT_KEPT = ['photo_link', 'xml_file', 'share_code'];

const refId = (reply: Reply) => (typeof reply.ref_id === 'string' && reply.ref_id.trim() ? reply.ref_id.trim() : typeof reply.ref_id === 'number' && Number.isFinite(reply.ref_id) ? String(reply.ref_id) : undefined);

/**
 * offline-aadhaar/otp: status SUCCESS both when the code was sent and when the Aadhaar has no
 * linked mobile (the message tells them apart), INVALID (or SUCCESS "Invalid Aadhaar Card", as the
 * response codes list it) for no such Aadhaar. A code was sent only when a ref_id came back.
 */
function aadhaarOtpResult(reply: Reply): VerificationResult {
  const message = text(reply.message) ?? '';
  const ref = refId(reply);
  if (reply.status === 'INVALID' || (reply.status === 'SUCCESS' && AADHAAR_INVALID.test(message))) return { outcome: 'invalid', facts: { reference: null }, evidence: reply, vendorReference: ref };
  if (reply.status === 'SUCCESS' && NO_LINKED_MOBILE.test(message)) return { outcome: 'mismatch', facts: { reference: null }, evidence: reply, vendorReference: ref };
  if (reply.status !== 'SUCCESS' || !ref) throw unreadable('offline-aadhaar/otp', reply);
  return { outcome: 'verified', facts: { reference: ref }, evidence: reply, vendorReference: ref };
}

/** "02-02-1995" (DD-MM-YYYY, as documented) → "1995-02-02"; any other shape is no date Rulepath vouches for. */
function isoDate(value: unknown): string | null {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(text(value) ?? '');
  return m ? `${m[3]}-${m[2]}-${m[1]}` : null;
}

/** The street part of the address: house, street, landmark, locality as UIDAI splits them (else the whole address). */
function addressLine(split: Reply, whole: unknown): string | null {
  const parts = [split.house, split.street, split.landmark, split.locality].map(text).filter((p): p is string => p !== null).map((p) => p.trim());
  const line = [...new Set(parts)].join(', ');
  return line || text(whole);
}

/**
 * offline-aadhaar/verify: 200 status VALID ("Aadhaar Card Exists") with the e-KYC; a 400 whose
 * message is a verdict on the code or the Aadhaar (OKYC_VERDICTS) is invalid.
 */
function aadhaarKycResult(status: number, reply: Reply): VerificationResult {
  if (status === 400) {
    if (OKYC_VERDICTS.some((v) => v.test(text(reply.message) ?? ''))) return { outcome: 'invalid', facts: {}, evidence: reply, vendorReference: refId(reply) };
    throw refusal(reply);
  }
  if (reply.status !== 'VALID') throw unreadable('offline-aadhaar/verify', reply);
  const split = (reply.split_address && typeof reply.split_address === 'object' && !Array.isArray(reply.split_address) ? reply.split_address : {}) as Reply;
  const pin = typeof split.pincode === 'number' ? String(split.pincode) : text(split.pincode);
  const facts = {
    name: text(reply.name),
    careOf: text(reply.care_of),
    dateOfBirth: isoDate(reply.dob),
    gender: GENDERS[String(reply.gender).toUpperCase()] ?? null,
    addressLine: addressLine(split, reply.address),
    city: text(split.vtc) ?? text(split.dist),
    district: text(split.dist),
    state: text(split.state),
    pinCode: pin,
    country: text(split.country),
  };
  const evidence = Object.fromEntries(Object.entries(reply).filter(([k]) => !NOT_KEPT.includes(k)));
  return { outcome: 'verified', facts, evidence: { ...evidence, notKept: NOT_KEPT.filter((k) => k in reply) }, vendorReference: refId(reply) };
}

// ---------------------------------------------------------------------------------------------

export default definePlugin<'verification', CashfreeConfig>({
  kind: 'verification',
  name: 'cashfree',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['clientId', 'clientSecret'],
    properties: {
      clientId: { type: 'string', minLength: 1 },
      clientSecret: { type: 'string', minLength: 1 },
      baseUrl: { type: 'string', format: 'uri' },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    },
  },
  create(config, deps) {
    const base = (config.baseUrl ?? 'https://api.cashfree.com/verification').replace(/\/$/, '');

    /** The answer with its status: 200, or the 400 whose body says why (read by the check). */
    async function send(path: string, body: Record<string, string>): Promise<{ status: number; reply: Reply }> {
      const res = await vendorRequest(VENDOR, deps, `${base}${path}`, {
        method: 'POST',
        timeoutMs: config.timeoutMs,
        ownStatuses: [400],
        headers: { 'x-client-id': config.clientId, 'x-client-secret': config.clientSecret, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      const reply: unknown = await res.json().catch(() => undefined);
      if (res.status === 400 && (!reply || typeof reply !== 'object' || Array.isArray(reply))) throw refusal(reply);
      if (!reply || typeof reply !== 'object' || Array.isArray(reply)) throw unreadable(path, { body: String(reply) });
      return { status: res.status, reply: reply as Reply };
    }

    async function post(path: string, body: Record<string, string>): Promise<Reply> {
      const { status, reply } = await send(path, body);
      if (status === 400) throw refusal(reply);
      return reply;
    }

    // Optional fields go only when given: an empty `name` or `dob` would be judged as one.
    const present = (fields: Record<string, string | undefined>) => Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));

    return {
      checks: ['pan', 'bankAccount', 'nameMatch', 'aadhaarOtp', 'aadhaarKyc'],
      async verify(request: VerificationRequest): Promise<VerificationResult> {
        const s = request.subject;
        switch (request.check) {
          case 'pan':
            return panResult(s, await post('/pan-lite', present({ verification_id: cashfreeVerificationId(request.reference), pan: s.pan, name: s.name, dob: s.dateOfBirth })));
          case 'bankAccount':
            return bankAccountResult(s, await post('/bank-account/sync', present({ bank_account: s.accountNumber, ifsc: s.ifsc, name: s.name })));
          case 'nameMatch':
            return nameMatchResult(await post('/name-match', present({ verification_id: cashfreeVerificationId(request.reference), name_1: s.name, name_2: s.against })));
          case 'aadhaarOtp':
            return aadhaarOtpResult(await post('/offline-aadhaar/otp', present({ aadhaar_number: s.aadhaar })));
          case 'aadhaarKyc': {
            const { status, reply } = await send('/offline-aadhaar/verify', present({ otp: s.otp, ref_id: s.reference }));
            return aadhaarKycResult(status, reply);
          }
        }
      },
    };
  },
});
