// Fakes of the verification vendors' documented HTTP APIs, on loopback. They check credentials
// (401), refuse a body the way the vendor documents (400), and answer from test documents that
// match the contract samples and the development fixtures:
//   PAN with digits 0000, account ending 0000: not found;
//   PAN with digits 9999, account ending 9999: registered under another name (RAVI KUMAR);
//   Aadhaar (Cashfree's offline e-KYC) ending 9999: no linked mobile.
// Each records the requests it answered (`received`), so a test reads what the plugin sent.
// Error codes and messages the vendors' documentation does not spell out are the fakes' own;
// the plugins read only the documented fields (Cashfree's `code` / `message` / `type`).
import { randomUUID } from 'node:crypto';
import { nameMatchScore } from '../../../plugins/verification/name-match-score.ts';
import { startFakeVendor, type ReceivedRequest, type VendorReply } from './fake-vendor.ts';

const json = (status: number, body: unknown): VendorReply => ({ status, body: JSON.stringify(body) });

const PAN = /^[A-Z]{5}[0-9]{4}[A-Z]$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;
const OTHER_HOLDER = 'RAVI KUMAR';
/** The date of birth every PAN found by the Cashfree fake is registered with (the documented example's). */
export const CASHFREE_REGISTERED_DOB = '1993-06-30';

const panDigits = (pan: string) => pan.slice(5, 9);

/** The body as JSON, or undefined when it is not an object. */
function jsonBody(req: ReceivedRequest): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(req.body);
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * Cashfree's own name scorer stands behind an opaque API; the fake's is deterministic: the
 * local KYC score, in Cashfree's bands (DIRECT_MATCH ... NO_MATCH) and as a 0-1 score.
 */
function cashfreeNameMatch(a: string, b: string) {
  const score = nameMatchScore(a, b);
  const reason = score === 100 ? 'DIRECT_MATCH' : score >= 80 ? 'GOOD_PARTIAL_MATCH' : score >= 60 ? 'MODERATE_PARTIAL_MATCH' : score >= 30 ? 'POOR_PARTIAL_MATCH' : 'NO_MATCH';
  return { score: score / 100, reason };
}

interface AadhaarHolder {
  name: string;
  care_of: string;
  dob: string;
  gender: string;
  split_address: Record<string, string | number>;
}

/**
 * Aadhaar numbers the Cashfree fake's offline e-KYC knows, with what UIDAI answers for them
 * (655675523712 is Cashfree's documented sandbox number). An Aadhaar ending 9999 has no linked
 * mobile; any other is invalid. The code is CASHFREE_AADHAAR_OTP, as in Cashfree's test data.
 */
export const CASHFREE_TEST_AADHAAR: Readonly<Record<string, AadhaarHolder>> = {
  '655675523712': {
    name: 'Asha Rao',
    care_of: 'D/O: Venkat Rao',
    dob: '12-04-1990',
    gender: 'F',
    split_address: { country: 'India', dist: 'Pune', house: 'Flat 4, Shanti Kunj', landmark: 'Near Balgandharva', pincode: 411004, po: 'Deccan Gymkhana', state: 'Maharashtra', street: 'Jangli Maharaj Road', subdist: 'Pune City', vtc: 'Pune', locality: 'Shivajinagar' },
  },
  '234567890123': {
    name: 'Anil Kumar Sharma',
    care_of: 'S/O: Mohan Lal Sharma',
    dob: '01-01-1985',
    gender: 'M',
    split_address: { country: 'India', dist: 'Jaipur', house: '221', landmark: '', pincode: 302001, po: 'Johari Bazar', state: 'Rajasthan', street: 'Haldiyon Ka Rasta', subdist: 'Jaipur', vtc: '', locality: '' },
  },
};
export const CASHFREE_AADHAAR_OTP = '111000';

/**
 * Cashfree Verification Suite under /verification: pan-lite, bank-account/sync, name-match, and the
 * offline Aadhaar (offline-aadhaar/otp { aadhaar_number } → ref_id, offline-aadhaar/verify
 * { otp, ref_id } → the e-KYC). JSON with x-client-id / x-client-secret; refusals are 400
 * { code, message, type: "validation_error" } (the offline Aadhaar ones with the messages its
 * response codes document). It does not de-duplicate verification_id (its documentation given here
 * says nothing of it). An offline Aadhaar session is spent by its first right code (the
 * documentation does not say; the fake takes the strict reading); `expireAadhaarSession` ends one.
 */
export async function fakeCashfreeVerification(creds: { clientId: string; clientSecret: string }) {
  let referenceId = 21637861;
  const refused = (code: string, message: string) => json(400, { code, message, type: 'validation_error' });
  const verificationIdProblem = (id: unknown) => (typeof id === 'string' && /^[A-Za-z0-9._-]{1,50}$/.test(id) ? undefined : refused('verification_id_invalid', 'verification_id should be at most 50 characters: alphanumerics, -, . and _'));

  const panLite = (body: Record<string, unknown>): VendorReply => {
    const { verification_id, pan, name, dob } = body;
    const problem = verificationIdProblem(verification_id);
    if (problem) return problem;
    if (typeof pan !== 'string' || !PAN.test(pan)) return refused('pan_invalid', 'pan should be 10 characters: 5 letters, 4 digits, 1 letter');
    if (name !== undefined && (typeof name !== 'string' || !name.trim())) return refused('name_invalid', 'name should be a non-empty string');
    if (dob !== undefined && (typeof dob !== 'string' || !DATE.test(dob))) return refused('dob_invalid', 'dob should be YYYY-MM-DD');
    const reply = { verification_id, reference_id: referenceId++, pan };
    if (panDigits(pan) === '0000') return json(200, { ...reply, status: 'INVALID' });
    const registered = panDigits(pan) === '9999' ? OTHER_HOLDER : str(name)?.toUpperCase() ?? 'JOHN DOE';
    return json(200, {
      ...reply,
      ...(name !== undefined ? { name, name_match: nameMatchScore(String(name), registered) >= 80 ? 'Y' : 'N' } : {}),
      ...(dob !== undefined ? { dob, dob_match: dob === CASHFREE_REGISTERED_DOB ? 'Y' : 'N' } : {}),
      pan_status: 'E',
      status: 'VALID',
      aadhaar_seeding_status: 'Y',
      aadhaar_seeding_status_desc: 'Aadhaar is linked to PAN',
    });
  };

  const bankAccount = (body: Record<string, unknown>): VendorReply => {
    const { bank_account, ifsc, name, phone } = body;
    if (typeof bank_account !== 'string' || !/^[A-Za-z0-9]{6,35}$/.test(bank_account)) return refused('bank_account_invalid', 'bank_account should be 6-35 alphanumerics');
    if (typeof ifsc !== 'string' || !IFSC.test(ifsc)) return refused('ifsc_invalid', 'ifsc should be 11 characters: 4 letters, 0, 6 alphanumerics');
    if (name !== undefined && (typeof name !== 'string' || !name.trim())) return refused('name_invalid', 'name should be a non-empty string');
    if (phone !== undefined && (typeof phone !== 'string' || !/^[0-9]{10}$/.test(phone))) return refused('phone_invalid', 'phone should be 10 digits');
    const bank = { bank_name: ifsc.startsWith('YESB') ? 'YES BANK' : 'STATE BANK OF INDIA', city: 'MUMBAI', branch: 'SANTACRUZ', micr: 0, ifsc_details: { bank: 'YES BANK', ifsc, micr: 0, nbin: 0, address: 'MUMBAI', city: 'MUMBAI', state: 'MAHARASHTRA', branch: 'SANTACRUZ', ifsc_subcode: ifsc.slice(0, 4), category: 'DOMESTIC' } };
    if (bank_account.endsWith('0000')) return json(200, { reference_id: referenceId++, name_at_bank: '', ...bank, utr: '', name_match_score: '', name_match_result: '', account_status: 'INVALID', account_status_code: 'INVALID_ACCOUNT_FAIL' });
    const holder = bank_account.endsWith('9999') ? OTHER_HOLDER : str(name)?.toUpperCase() ?? 'JOHN DOE';
    const match = name === undefined ? undefined : cashfreeNameMatch(String(name), holder);
    return json(200, {
      reference_id: referenceId++,
      name_at_bank: holder,
      ...bank,
      utr: String(500000000000 + referenceId),
      name_match_score: match ? (match.score * 100).toFixed(2) : '',
      name_match_result: match?.reason ?? '',
      account_status: 'VALID',
      account_status_code: 'ACCOUNT_IS_VALID',
    });
  };

  const nameMatch = (body: Record<string, unknown>): VendorReply => {
    const { verification_id, name_1, name_2 } = body;
    const problem = verificationIdProblem(verification_id);
    if (problem) return problem;
    if (typeof name_1 !== 'string' || !name_1.trim() || typeof name_2 !== 'string' || !name_2.trim()) return refused('name_invalid', 'name_1 and name_2 should be non-empty strings');
    const { score, reason } = cashfreeNameMatch(name_1, name_2);
    return json(200, { verification_id, reference_id: referenceId++, name_1, name_2, status: 'SUCCESS', score, reason });
  };

  /** ref_id → the Aadhaar it was sent for, while the session lasts. */
  const sessions = new Map<string, string>();
  const expired = new Set<string>();

  const aadhaarOtp = (body: Record<string, unknown>): VendorReply => {
    const { aadhaar_number } = body;
    if (aadhaar_number === undefined || aadhaar_number === '') return refused('aadhaar_number_missing', 'Please enter aadhaar number in the request');
    if (typeof aadhaar_number !== 'string' || !/^[0-9]+$/.test(aadhaar_number)) return refused('aadhaar_number_invalid', 'Please enter aadhaar number in numeric format');
    if (aadhaar_number.length !== 12) return refused('aadhaar_number_invalid', 'aadhaar Number should contain 12 characters.');
    if (aadhaar_number.endsWith('9999')) return json(200, { status: 'SUCCESS', message: 'Aadhaar not linked to mobile number' });
    if (!CASHFREE_TEST_AADHAAR[aadhaar_number]) return json(200, { status: 'INVALID', message: 'Invalid Aadhaar Card' });
    const ref = referenceId++;
    sessions.set(String(ref), aadhaar_number);
    return json(200, { status: 'SUCCESS', message: 'OTP sent successfully', ref_id: ref });
  };

  const aadhaarVerify = (body: Record<string, unknown>): VendorReply => {
    const { otp, ref_id } = body;
    if (otp === undefined || otp === '') return refused('otp_missing', 'Please enter the otp in the request');
    if (typeof otp !== 'string' || !/^[0-9]{6}$/.test(otp)) return refused('otp_invalid', 'Please enter a valid otp.');
    const ref = typeof ref_id === 'string' || typeof ref_id === 'number' ? String(ref_id) : '';
    if (expired.has(ref)) return refused('otp_expired', 'Otp expired');
    const aadhaar = sessions.get(ref);
    if (!aadhaar) return refused('ref_id_invalid', 'Please enter a valid ref_id');
    if (otp !== CASHFREE_AADHAAR_OTP) return refused('otp_invalid', 'OTP entered is invalid');
    sessions.delete(ref);
    expired.add(ref);
    const holder = CASHFREE_TEST_AADHAAR[aadhaar]!;
    const a = holder.split_address;
    const address = [a.house, a.street, a.landmark, a.locality, a.vtc, a.po, a.subdist, `${a.dist}-${a.state}`, a.country].filter((p) => p !== '').join(',');
    return json(200, {
      ref_id: ref,
      status: 'VALID',
      message: 'Aadhaar Card Exists',
      care_of: holder.care_of,
      address,
      dob: holder.dob,
      email: '',
      gender: holder.gender,
      name: holder.name,
      split_address: holder.split_address,
      year_of_birth: Number(holder.dob.slice(-4)),
      mobile_hash: 'ed189eb73247cb90b769e7e8d7dfd2efa4cd6a5ec27602f5d2721c035266568c',
      photo_link: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk',
      share_code: '1234',
      xml_file: 'https://cashfree-fake.test/okyc/xml-with-48h-expiry',
    });
  };

  const routes: Record<string, (body: Record<string, unknown>) => VendorReply> = {
    '/verification/pan-lite': panLite,
    '/verification/bank-account/sync': bankAccount,
    '/verification/name-match': nameMatch,
    '/verification/offline-aadhaar/otp': aadhaarOtp,
    '/verification/offline-aadhaar/verify': aadhaarVerify,
  };

  const fake = await startFakeVendor((req) => {
    const route = routes[req.path];
    if (req.method !== 'POST' || !route) return json(404, { code: 'request_not_found', message: 'no such route', type: 'invalid_request_error' });
    if (req.headers['x-client-id'] !== creds.clientId || req.headers['x-client-secret'] !== creds.clientSecret) return json(401, { code: 'authentication_failed', message: 'client id or client secret is incorrect', type: 'authentication_error' });
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return refused('content_type_invalid', 'Content-Type should be application/json');
    const body = jsonBody(req);
    return body ? route(body) : refused('request_invalid', 'the body should be a JSON object');
  });
  return {
    ...fake,
    /** Ends an offline Aadhaar session as its code's expiry would: its verify answers "Otp expired". */
    expireAadhaarSession(refId: string) {
      sessions.delete(refId);
      expired.add(refId);
    },
  };
}

/** PANs the Setu fake knows, with their holders; any other is unknown (FAILED), as on Setu. */
export const SETU_TEST_DOCUMENTS: Readonly<Record<string, string>> = {
  ABCDE1234F: 'ASHA RAO',
  ABCDE5678F: 'ASHA KUMARI RAO',
  PQRST6789K: 'ANIL KUMAR SHARMA',
};

/**
 * Bank accounts the Setu fake's penny drop finds, with the holder the bank names (at any IFSC of
 * the right form); accounts ending 9999 are RAVI KUMAR's; any other does not exist (BAVM1).
 */
export const SETU_TEST_ACCOUNTS: Readonly<Record<string, string>> = {
  '026291800001191': 'ASHA RAO',
  '026291800005678': 'ASHA KUMARI RAO',
  '8517129000033': 'ANIL KUMAR SHARMA',
};

/**
 * Setu DigiGateway, with x-client-id, x-client-secret, x-product-instance-id on every call:
 * - PAN API: POST /api/verify/pan { pan, consent: "Y", reason (20+ characters) }. An unknown PAN
 *   answers 200 with verification FAILED; PANs with digits 9999 are held by RAVI KUMAR.
 * - Bank account verification, sync penny drop: POST /api/verify/ban { ifsc, accountNumber }.
 *   200 with verification "success" (code BAV00, data.name the holder) or "failed" (code BAVM1,
 *   "This account does not exist or is invalid."); an IFSC or account number of the wrong form is
 *   the documented "Either IFSC or bank account is invalid" failure. A body without the two
 *   strings is the fake's own 400 in Setu's error envelope ({ error: { code, detail, traceId } }).
 * The bank account product may have an instance id of its own (`bankAccountProductInstanceId`).
 */
export function fakeSetu(creds: { clientId: string; clientSecret: string; productInstanceId: string; bankAccountProductInstanceId?: string }) {
  const traceId = () => `1-${randomUUID().replace(/-/g, '').slice(0, 24)}`;

  const pan = (body: Record<string, unknown>): VendorReply => {
    const refused = (code: string, detail: string) => json(400, { code, detail, traceId: traceId() });
    const { pan, consent, reason } = body;
    if (typeof pan !== 'string' || !PAN.test(pan)) return refused('INVALID_PAN', 'pan should be 10 characters: 5 letters, 4 digits, 1 letter');
    if (consent !== 'Y') return refused('CONSENT_REQUIRED', 'consent should be "Y"');
    if (typeof reason !== 'string' || reason.trim().length < 20) return refused('INVALID_REASON', 'reason should be at least 20 characters');
    const holder = panDigits(pan) === '9999' ? OTHER_HOLDER : SETU_TEST_DOCUMENTS[pan];
    if (!holder) return json(200, { id: randomUUID(), message: 'PAN is invalid', verification: 'FAILED', traceId: traceId() });
    const words = holder.split(' ');
    return json(200, {
      data: { aadhaar_seeding_status: 'LINKED', category: 'Individual', full_name: holder, first_name: words[0], middle_name: words.slice(1, -1).join(' '), last_name: words.length > 1 ? words.at(-1) : '' },
      id: randomUUID(),
      message: 'PAN is valid',
      verification: 'SUCCESS',
      traceId: traceId(),
    });
  };

  let transactionReference = 120716373986;
  const ban = (body: Record<string, unknown>): VendorReply => {
    const { ifsc, accountNumber } = body;
    if (typeof ifsc !== 'string' || typeof accountNumber !== 'string') {
      return json(400, { id: randomUUID(), error: { code: 'bad_request', detail: 'ifsc and accountNumber should be strings', traceId: traceId() } });
    }
    const failed = (message: string) => json(200, { id: randomUUID(), code: 'BAVM1', verification: 'failed', message, traceId: traceId() });
    if (!IFSC.test(ifsc) || !/^[0-9]{6,18}$/.test(accountNumber)) return failed('Either IFSC or bank account is invalid');
    const holder = accountNumber.endsWith('9999') ? OTHER_HOLDER : SETU_TEST_ACCOUNTS[accountNumber];
    if (!holder) return failed('This account does not exist or is invalid.');
    return json(200, {
      code: 'BAV00',
      verification: 'success',
      message: 'Account exists and is active.',
      data: { name: holder, transactionReference: String(transactionReference++), verifiedAt: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00') },
      id: randomUUID(),
      traceId: traceId(),
    });
  };

  const routes: Record<string, { handle: (body: Record<string, unknown>) => VendorReply; productInstanceId: string }> = {
    '/api/verify/pan': { handle: pan, productInstanceId: creds.productInstanceId },
    '/api/verify/ban': { handle: ban, productInstanceId: creds.bankAccountProductInstanceId ?? creds.productInstanceId },
  };

  return startFakeVendor((req) => {
    const route = routes[req.path];
    if (req.method !== 'POST' || !route) return json(404, { code: 'NOT_FOUND', detail: 'route not found', traceId: traceId() });
    if (req.headers['x-client-id'] !== creds.clientId || req.headers['x-client-secret'] !== creds.clientSecret || req.headers['x-product-instance-id'] !== route.productInstanceId) {
      return json(401, { code: 'UNAUTHORIZED', detail: 'invalid client credentials or product instance', traceId: traceId() });
    }
    const body = jsonBody(req);
    return body ? route.handle(body) : json(400, { code: 'BAD_REQUEST', detail: 'the body should be a JSON object', traceId: traceId() });
  });
}
