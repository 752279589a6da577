// Verification providers (kind `verification`): each through the contract kit (the vendors'
// against loopback fakes of their documented APIs); the development fixtures' documents and their
// refusal in production; what each vendor plugin sends and how it reads the answers; a chain of
// vendors failing over and passing over a check one does not offer; names matched the way KYC
// matches them.
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type VerificationProvider, type VerificationRequest } from '../../engine/plugin-api.ts';
import { createProvider, loadPluginCatalog, ProviderConfigError } from '../../engine/providers/plugin-catalog.ts';
import { ProviderChain } from '../../engine/providers/provider-chain.ts';
import { verifyThroughChain } from '../../engine/verification/verify-through-chain.ts';
import { cashfreeVerificationId } from '../../plugins/verification/cashfree/verification-id.ts';
import { nameMatchScore } from '../../plugins/verification/name-match-score.ts';
import { testDeps } from '../contract/provider-harness.ts';
import { describeVerificationContract, type VerificationSamples } from '../contract/verification-contract.ts';
import type { FakeVendor, ReceivedRequest } from '../support/fakes/fake-vendor.ts';
import { CASHFREE_AADHAAR_OTP, CASHFREE_REGISTERED_DOB, fakeCashfreeVerification, fakeSetu } from '../support/fakes/verification-fakes.ts';

const catalog = await loadPluginCatalog(path.resolve(import.meta.dirname, '../../plugins'));
const deps = (production = false) => testDeps({ dataDir: os.tmpdir(), production });
const fixtures = (config: Record<string, unknown> = {}, production = false) => createProvider(catalog, 'verification', 'fixtures', config, deps(production), {}) as VerificationProvider;

/** The fixtures' test documents (plugins/verification/fixtures): digits 0000 not found, 9999 another name. */
export const FIXTURE_SAMPLES: VerificationSamples = {
  pan: { verified: { pan: 'ABCDE1234F', name: 'Asha Rao' }, mismatch: { pan: 'ABCDE9999F', name: 'Asha Rao' }, invalid: { pan: 'ABCDE0000F', name: 'Asha Rao' } },
  bankAccount: { verified: { accountNumber: '026291800001191', ifsc: 'YESB0000262', name: 'Asha Rao' }, mismatch: { accountNumber: '026291809999', ifsc: 'YESB0000262', name: 'Asha Rao' }, invalid: { accountNumber: '026291800000', ifsc: 'YESB0000262', name: 'Asha Rao' } },
  nameMatch: { verified: { name: 'Mrs. Asha K. Rao', against: 'RAO ASHA KUMARI' }, mismatch: { name: 'Asha Rao', against: 'Ravi Kumar' } },
  // Aadhaar ending 9999: no linked mobile; 0000: none such; the code 123456 opens the e-KYC.
  aadhaarOtp: { verified: { aadhaar: '234567891234' }, mismatch: { aadhaar: '234567899999' }, invalid: { aadhaar: '234567890000' } },
  aadhaarKyc: { otp: '123456', wrongOtp: '000000' },
};

describeVerificationContract('fixtures', FIXTURE_SAMPLES, async () => ({ provider: fixtures(), delivered: () => [], close: async () => undefined }), { vendorClient: false });

// ---- vendors, against their fakes ------------------------------------------------------------
const TIMEOUT = 800;
const CASHFREE = { clientId: 'CF-test-client-id', clientSecret: 'cf-test-secret' };
const SETU = { clientId: 'setu-test-client', clientSecret: 'setu-test-secret', productInstanceId: 'a3c5d1e2-0000-4000-8000-000000000001' };

const cashfree = (fake: FakeVendor, config: Record<string, unknown> = {}) =>
  createProvider(catalog, 'verification', 'cashfree', { ...CASHFREE, baseUrl: `${fake.url}/verification`, timeoutMs: TIMEOUT, ...config }, deps(), {}) as VerificationProvider;
const setu = (fake: FakeVendor, config: Record<string, unknown> = {}) =>
  createProvider(catalog, 'verification', 'setu', { ...SETU, baseUrl: fake.url, timeoutMs: TIMEOUT, ...config }, deps(), {}) as VerificationProvider;
const bodyOf = (r: ReceivedRequest) => JSON.parse(r.body) as Record<string, unknown>;

/**
 * Setu's fake knows PANs and accounts by table (SETU_TEST_DOCUMENTS, SETU_TEST_ACCOUNTS):
 * ABCDE1234F and account 026291800001191 are ASHA RAO's; accounts ending 9999 RAVI KUMAR's.
 */
const SETU_SAMPLES: VerificationSamples = { pan: FIXTURE_SAMPLES.pan!, bankAccount: FIXTURE_SAMPLES.bankAccount! };

/** Cashfree's fake: the fixtures' PANs and accounts, and its own Aadhaar test data (CASHFREE_TEST_AADHAAR). */
const CASHFREE_SAMPLES: VerificationSamples = {
  ...FIXTURE_SAMPLES,
  aadhaarOtp: { verified: { aadhaar: '655675523712' }, mismatch: { aadhaar: '655675529999' }, invalid: { aadhaar: '655675523710' } },
  aadhaarKyc: { otp: CASHFREE_AADHAAR_OTP, wrongOtp: '000111' },
};

describeVerificationContract('cashfree', CASHFREE_SAMPLES, async () => {
  const fake = await fakeCashfreeVerification(CASHFREE);
  // pan-lite and name-match carry the reference as verification_id; bank-account/sync has no place for one.
  return { provider: cashfree(fake), delivered: () => fake.received, keyOf: (r) => bodyOf(r).verification_id as string | undefined, script: fake.script, timeoutMs: TIMEOUT, close: fake.close };
}, { vendorClient: true });

// Neither of Setu's requests has a client reference field: no keyOf, the kit skips that test.
describeVerificationContract('setu', SETU_SAMPLES, async () => {
  const fake = await fakeSetu(SETU);
  return { provider: setu(fake), delivered: () => fake.received, script: fake.script, timeoutMs: TIMEOUT, close: fake.close };
}, { vendorClient: true });

const ask = (check: VerificationRequest['check'], subject: Record<string, string>, reference = `ref-${Math.random().toString(36).slice(2)}`): VerificationRequest => ({ check, subject, reference });

/** In a describe: a vendor's fake and its provider, made before its tests and closed after; `last` is the request the fake got last. */
function vendorUnderTest<F extends FakeVendor>(start: () => Promise<F>, make: (fake: F) => VerificationProvider) {
  const v = {} as { fake: F; provider: VerificationProvider; last(): F['received'][number] };
  v.last = () => v.fake.received.at(-1)!;
  beforeAll(async () => {
    v.fake = await start();
    v.provider = make(v.fake);
  });
  afterAll(() => v.fake.close());
  return v;
}

describe('verification cashfree (Secure ID)', () => {
  const v = vendorUnderTest(() => fakeCashfreeVerification(CASHFREE), (fake) => cashfree(fake));
  const last = v.last;

  it('PAN: POSTs pan-lite with its credentials and { verification_id, pan, name, dob }, and reads the verdict', async () => {
    const result = await v.provider.verify(ask('pan', { pan: 'ABCDE1234F', name: 'Asha Rao', dateOfBirth: CASHFREE_REGISTERED_DOB }, 'kyc-7.pan'));
    expect(last()).toMatchObject({ method: 'POST', path: '/verification/pan-lite', headers: { 'x-client-id': CASHFREE.clientId, 'x-client-secret': CASHFREE.clientSecret, 'content-type': 'application/json' } });
    expect(bodyOf(last())).toEqual({ verification_id: 'kyc-7.pan', pan: 'ABCDE1234F', name: 'Asha Rao', dob: CASHFREE_REGISTERED_DOB });
    expect(result).toMatchObject({ outcome: 'verified', facts: { registeredName: 'Asha Rao', nameMatch: true, dobMatch: true, panStatus: 'E', aadhaarSeeded: true }, evidence: { status: 'VALID', pan_status: 'E' } });
    expect(result.vendorReference).toMatch(/^\d+$/);
  });

  it('PAN: a date of birth that does not match is a mismatch; without a name nothing about the name is claimed (nor sent)', async () => {
    const dob = await v.provider.verify(ask('pan', { pan: 'ABCDE1234F', name: 'Asha Rao', dateOfBirth: '1990-01-01' }));
    expect(dob).toMatchObject({ outcome: 'mismatch', facts: { nameMatch: true, dobMatch: false } });
    const other = await v.provider.verify(ask('pan', { pan: 'ABCDE9999F', name: 'Asha Rao' }));
    expect(other).toMatchObject({ outcome: 'mismatch', facts: { registeredName: null, nameMatch: false } });
    const bare = await v.provider.verify(ask('pan', { pan: 'ABCDE1234F' }));
    expect(Object.keys(bodyOf(last())).sort()).toEqual(['pan', 'verification_id']);
    expect(bare).toMatchObject({ outcome: 'verified', facts: { registeredName: null, nameMatch: null, dobMatch: null } });
  });

  it('PAN: VALID for a PAN the department marks deactivated, and an answer without a known status, are no verification', async () => {
    v.fake.script({ status: 200, body: JSON.stringify({ verification_id: 'x', reference_id: 1, status: 'VALID', pan_status: 'X', name_match: 'Y' }) });
    expect((await v.provider.verify(ask('pan', { pan: 'ABCDE1234F', name: 'Asha Rao' }))).outcome).toBe('invalid');
    v.fake.script({ status: 200, body: JSON.stringify({ verification_id: 'x', reference_id: 2, status: 'PENDING' }) });
    const err = await v.provider.verify(ask('pan', { pan: 'ABCDE1234F', name: 'Asha Rao' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ transient: true, vendorCode: 'UNREADABLE_ANSWER' });
  });

  it('a reference that does not fit verification_id is sent as a stable, distinct id of at most 50 allowed characters', async () => {
    const reference = `journey:42/pan step ✓ ${'x'.repeat(60)}`;
    const id = cashfreeVerificationId(reference);
    expect(id).toMatch(/^[A-Za-z0-9._-]{1,50}$/);
    expect(cashfreeVerificationId(reference)).toBe(id);
    expect(cashfreeVerificationId(`${reference}y`)).not.toBe(id);
    expect(cashfreeVerificationId('journey:42')).not.toBe(cashfreeVerificationId('journey/42'));
    await v.provider.verify(ask('pan', { pan: 'ABCDE1234F', name: 'Asha Rao' }, reference)); // the fake refuses an id out of the rules
    expect(bodyOf(last()).verification_id).toBe(id);
  });

  it('bank account: POSTs bank-account/sync with { bank_account, ifsc, name } (no reference: the API has none) and reads the holder', async () => {
    const result = await v.provider.verify(ask('bankAccount', { accountNumber: '026291800001191', ifsc: 'YESB0000262', name: 'Asha Rao' }));
    expect(last()).toMatchObject({ path: '/verification/bank-account/sync', headers: { 'x-client-id': CASHFREE.clientId, 'x-client-secret': CASHFREE.clientSecret } });
    expect(bodyOf(last())).toEqual({ bank_account: '026291800001191', ifsc: 'YESB0000262', name: 'Asha Rao' });
    expect(result).toMatchObject({ outcome: 'verified', facts: { registeredName: 'ASHA RAO', nameMatchScore: 100, bankName: 'YES BANK' }, evidence: { account_status: 'VALID', name_match_result: 'DIRECT_MATCH' } });
    expect(result.vendorReference).toMatch(/^\d+$/);
    const other = await v.provider.verify(ask('bankAccount', { accountNumber: '026291809999', ifsc: 'YESB0000262', name: 'Asha Rao' }));
    expect(other).toMatchObject({ outcome: 'mismatch', facts: { registeredName: 'RAVI KUMAR', nameMatchScore: 0 } });
  });

  it('name match: POSTs name-match with { verification_id, name_1, name_2 }; the 0-1 score becomes 0-100, the reason the outcome', async () => {
    const result = await v.provider.verify(ask('nameMatch', { name: 'Anil Kumar Sharma', against: 'Anil Sharma' }, 'kyc-7.name'));
    expect(last().path).toBe('/verification/name-match');
    expect(bodyOf(last())).toEqual({ verification_id: 'kyc-7.name', name_1: 'Anil Kumar Sharma', name_2: 'Anil Sharma' });
    // 0.67: MODERATE_PARTIAL_MATCH, which Cashfree's list puts on the matching side.
    expect(result).toMatchObject({ outcome: 'verified', facts: { nameMatchScore: 67 }, evidence: { reason: 'MODERATE_PARTIAL_MATCH' } });
    v.fake.script({ status: 200, body: JSON.stringify({ verification_id: 'v', reference_id: 9, status: 'SUCCESS', score: 0.35, reason: 'POOR_PARTIAL_MATCH' }) });
    expect(await v.provider.verify(ask('nameMatch', { name: 'a', against: 'b' }))).toMatchObject({ outcome: 'mismatch', facts: { nameMatchScore: 35 } });
  });

  it("turns Cashfree's 400 validation_error into a permanent ProviderError carrying its code", async () => {
    const err = await v.provider.verify(ask('pan', { pan: 'NOT-A-PAN', name: 'Asha Rao' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ transient: false, vendorCode: 'pan_invalid' });
    expect((err as Error).message).toMatch(/validation_error/);
  });
});

describe('verification cashfree (offline Aadhaar e-KYC)', () => {
  const v = vendorUnderTest(() => fakeCashfreeVerification(CASHFREE), (fake) => cashfree(fake));
  const last = v.last;
  const sendCode = async (aadhaar = '655675523712') => String((await v.provider.verify(ask('aadhaarOtp', { aadhaar }))).facts.reference);
  const failure = async (check: 'aadhaarOtp' | 'aadhaarKyc', reply: { status: number; body: string }) => {
    v.fake.script(reply);
    return v.provider.verify(check === 'aadhaarOtp' ? ask(check, { aadhaar: '655675523712' }) : ask(check, { reference: '21637861', otp: '111000' })).catch((e: unknown) => e);
  };

  it('aadhaarOtp: POSTs offline-aadhaar/otp with { aadhaar_number } only, and keeps the ref_id as the reference (never the number)', async () => {
    const result = await v.provider.verify(ask('aadhaarOtp', { aadhaar: '655675523712' }, 'kyc-7.okyc'));
    expect(last()).toMatchObject({ method: 'POST', path: '/verification/offline-aadhaar/otp', headers: { 'x-client-id': CASHFREE.clientId, 'x-client-secret': CASHFREE.clientSecret, 'content-type': 'application/json' } });
    expect(bodyOf(last())).toEqual({ aadhaar_number: '655675523712' });
    expect(result).toMatchObject({ outcome: 'verified', facts: { reference: expect.stringMatching(/^\d+$/) }, evidence: { status: 'SUCCESS', message: 'OTP sent successfully' } });
    expect(result.vendorReference).toBe(result.facts.reference);
  });

  it('aadhaarOtp: no linked mobile is a mismatch, an invalid Aadhaar (INVALID, or SUCCESS "Invalid Aadhaar Card" as the response codes list it) invalid, a SUCCESS without ref_id no verdict', async () => {
    expect(await v.provider.verify(ask('aadhaarOtp', { aadhaar: '655675529999' }))).toMatchObject({ outcome: 'mismatch', facts: { reference: null } });
    expect(await v.provider.verify(ask('aadhaarOtp', { aadhaar: '655675523710' }))).toMatchObject({ outcome: 'invalid', facts: { reference: null } });
    v.fake.script({ status: 200, body: JSON.stringify({ status: 'SUCCESS', message: 'Invalid Aadhaar Card' }) });
    expect((await v.provider.verify(ask('aadhaarOtp', { aadhaar: '655675523712' }))).outcome).toBe('invalid');
    const err = await failure('aadhaarOtp', { status: 200, body: JSON.stringify({ status: 'SUCCESS', message: 'OTP sent successfully' }) });
    expect(err).toMatchObject({ transient: true, vendorCode: 'UNREADABLE_ANSWER' });
  });

  it('aadhaarKyc: POSTs offline-aadhaar/verify with { otp, ref_id } and reads the e-KYC into plain facts; the photo and the XML link are not kept', async () => {
    const reference = await sendCode();
    const result = await v.provider.verify(ask('aadhaarKyc', { reference, otp: CASHFREE_AADHAAR_OTP }));
    expect(last().path).toBe('/verification/offline-aadhaar/verify');
    expect(bodyOf(last())).toEqual({ otp: CASHFREE_AADHAAR_OTP, ref_id: reference });
    expect(result).toMatchObject({
      outcome: 'verified',
      facts: { name: 'Asha Rao', careOf: 'D/O: Venkat Rao', dateOfBirth: '1990-04-12', gender: 'female', addressLine: 'Flat 4, Shanti Kunj, Jangli Maharaj Road, Near Balgandharva, Shivajinagar', city: 'Pune', district: 'Pune', state: 'Maharashtra', pinCode: '411004', country: 'India' },
      evidence: { status: 'VALID', ref_id: reference, notKept: ['photo_link', 'xml_file', 'share_code'] },
      vendorReference: reference,
    });
    expect(result.evidence).not.toHaveProperty('photo_link');
    expect(result.evidence).not.toHaveProperty('xml_file');
  });

  it('aadhaarKyc: without a village or town the district is the city; without house or street parts, the whole address is the line', async () => {
    const reference = await sendCode('234567890123');
    expect(await v.provider.verify(ask('aadhaarKyc', { reference, otp: CASHFREE_AADHAAR_OTP }))).toMatchObject({ outcome: 'verified', facts: { city: 'Jaipur', addressLine: '221, Haldiyon Ka Rasta', gender: 'male', pinCode: '302001' } });
    v.fake.script({ status: 200, body: JSON.stringify({ ref_id: '7', status: 'VALID', name: 'X', address: 'D-98, Vikas Puri, Lucknow, Uttar Pradesh-223009', dob: '1990', split_address: { vtc: '', dist: 'Lucknow', state: 'Uttar Pradesh', pincode: '223009' } }) });
    expect(await v.provider.verify(ask('aadhaarKyc', { reference: '7', otp: '111000' }))).toMatchObject({ facts: { addressLine: 'D-98, Vikas Puri, Lucknow, Uttar Pradesh-223009', city: 'Lucknow', pinCode: '223009', dateOfBirth: null, gender: null } });
  });

  it('aadhaarKyc: a wrong code, an expired one, a spent or unknown ref_id, a malformed code are invalid (the holder asks for a new code)', async () => {
    const reference = await sendCode();
    for (const otp of ['000111', '12ab56']) expect((await v.provider.verify(ask('aadhaarKyc', { reference, otp }))).outcome).toBe('invalid');
    v.fake.expireAadhaarSession(reference);
    const expired = await v.provider.verify(ask('aadhaarKyc', { reference, otp: CASHFREE_AADHAAR_OTP }));
    expect(expired).toMatchObject({ outcome: 'invalid', evidence: { message: 'Otp expired' } });
    expect((await v.provider.verify(ask('aadhaarKyc', { reference: '99999999', otp: CASHFREE_AADHAAR_OTP }))).outcome).toBe('invalid');
    v.fake.script({ status: 400, body: JSON.stringify({ code: 'x', message: 'Session expired, please generate a new OTP', type: 'validation_error' }) });
    expect((await v.provider.verify(ask('aadhaarKyc', { reference, otp: CASHFREE_AADHAAR_OTP }))).outcome).toBe('invalid');
  });

  it('turns a 400 about the request itself, and bad credentials, into permanent ProviderErrors; 5xx and an unreadable answer into transient ones', async () => {
    const refused = await failure('aadhaarKyc', { status: 400, body: JSON.stringify({ code: 'x', message: 'x-client-id is missing in the request', type: 'validation_error' }) });
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ transient: false, vendorCode: 'x' });
    const format = await v.provider.verify(ask('aadhaarOtp', { aadhaar: '65567552371' })).catch((e: unknown) => e);
    expect(format).toMatchObject({ transient: false, vendorCode: 'aadhaar_number_invalid' });
    const denied = await cashfree(v.fake, { clientSecret: 'wrong' }).verify(ask('aadhaarOtp', { aadhaar: '655675523712' })).catch((e: unknown) => e);
    expect(denied).toMatchObject({ transient: false, vendorCode: '401' });
    for (const check of ['aadhaarOtp', 'aadhaarKyc'] as const) {
      expect(await failure(check, { status: 500, body: JSON.stringify({ message: 'Unable to validate, please retry later' }) })).toMatchObject({ transient: true, vendorCode: '500' });
      for (const body of ['<html>gateway</html>', JSON.stringify({ status: 'PENDING' })]) {
        const err = await failure(check, { status: 200, body });
        expect(err).toBeInstanceOf(ProviderError);
        expect(err).toMatchObject({ transient: true, vendorCode: 'UNREADABLE_ANSWER' });
      }
    }
  });
});

describe('verification setu (PAN)', () => {
  const v = vendorUnderTest(() => fakeSetu(SETU), (fake) => setu(fake));
  const last = v.last;

  it('POSTs /api/verify/pan with its three headers and { pan, consent, reason } only (no reference: the API has none)', async () => {
    const result = await v.provider.verify(ask('pan', { pan: 'ABCDE1234F', name: 'Asha Rao' }, 'kyc-9.pan'));
    expect(last()).toMatchObject({ method: 'POST', path: '/api/verify/pan', headers: { 'x-client-id': SETU.clientId, 'x-client-secret': SETU.clientSecret, 'x-product-instance-id': SETU.productInstanceId, 'content-type': 'application/json' } });
    expect(bodyOf(last())).toEqual({ pan: 'ABCDE1234F', consent: 'Y', reason: 'Verifying PAN for account opening KYC' });
    expect(result).toMatchObject({ outcome: 'verified', facts: { registeredName: 'ASHA RAO', nameMatchScore: 100, category: 'Individual', aadhaarSeeded: true, dobMatch: null }, evidence: { answer: { verification: 'SUCCESS' }, localNameMatch: { score: 100, threshold: 80 } } });
    expect(result.vendorReference).toBe((result.evidence.answer as { id: string }).id);
  });

  it('sends the configured reason, and refuses one shorter than Setu takes', async () => {
    await setu(v.fake, { reason: 'Merchant onboarding PAN check' }).verify(ask('pan', { pan: 'ABCDE1234F' }));
    expect(bodyOf(last()).reason).toBe('Merchant onboarding PAN check');
    expect(() => setu(v.fake, { reason: 'KYC' })).toThrow(ProviderConfigError);
  });

  it("answers Setu's FAILED ('PAN is invalid') as invalid", async () => {
    const result = await v.provider.verify(ask('pan', { pan: 'ZZZZZ4321Z', name: 'Asha Rao' }));
    expect(result).toMatchObject({ outcome: 'invalid', facts: { registeredName: null }, evidence: { answer: { verification: 'FAILED', message: 'PAN is invalid' } } });
  });

  it("answers a 404 about the PAN as invalid, but a 404 from a wrong baseUrl as a permanent error (never a verdict)", async () => {
    v.fake.script({ status: 404, body: JSON.stringify({ id: 'x', message: 'PAN not found', verification: 'FAILED', traceId: 't' }) });
    expect((await v.provider.verify(ask('pan', { pan: 'ABCDE1234F' }))).outcome).toBe('invalid');
    const err = await setu(v.fake, { baseUrl: `${v.fake.url}/v2` }).verify(ask('pan', { pan: 'ABCDE1234F' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ transient: false, vendorCode: '404' });
  });

  it('matches the name given against full_name locally: below nameMatchThreshold is a mismatch', async () => {
    const asked = ask('pan', { pan: 'ABCDE5678F', name: 'Asha Rao' }); // held by ASHA KUMARI RAO: 67
    expect(await v.provider.verify(asked)).toMatchObject({ outcome: 'mismatch', facts: { registeredName: 'ASHA KUMARI RAO', nameMatchScore: 67 } });
    expect(await setu(v.fake, { nameMatchThreshold: 60 }).verify(asked)).toMatchObject({ outcome: 'verified', facts: { nameMatchScore: 67 } });
    expect(await v.provider.verify(ask('pan', { pan: 'ABCDE5678F' }))).toMatchObject({ outcome: 'verified', facts: { registeredName: 'ASHA KUMARI RAO', nameMatchScore: null } });
  });

  it('turns a refused request (400) into a permanent ProviderError', async () => {
    const err = await v.provider.verify(ask('pan', { pan: 'NOT-A-PAN' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ transient: false, vendorCode: '400' });
  });
});

describe('verification setu (bank account, sync penny drop)', () => {
  const v = vendorUnderTest(() => fakeSetu(SETU), (fake) => setu(fake));
  const last = v.last;
  const account = (accountNumber: string, name?: string) => ask('bankAccount', { accountNumber, ifsc: 'YESB0000262', ...(name ? { name } : {}) });
  const failure = async (reply: { status: number; body: string }) => {
    v.fake.script(reply);
    return v.provider.verify(account('026291800001191', 'Asha Rao')).catch((e: unknown) => e);
  };

  it('POSTs /api/verify/ban with its three headers and { ifsc, accountNumber } only (no name, no reference: the API has none); a holder whose name matches is verified', async () => {
    const result = await v.provider.verify(account('026291800001191', 'Asha Rao'));
    expect(last()).toMatchObject({ method: 'POST', path: '/api/verify/ban', headers: { 'x-client-id': SETU.clientId, 'x-client-secret': SETU.clientSecret, 'x-product-instance-id': SETU.productInstanceId, 'content-type': 'application/json' } });
    expect(bodyOf(last())).toEqual({ ifsc: 'YESB0000262', accountNumber: '026291800001191' });
    // The facts are named as Cashfree's, so the eKYC journey keeps either vendor's holder name.
    expect(result).toMatchObject({ outcome: 'verified', facts: { registeredName: 'ASHA RAO', nameMatchScore: 100, bankName: null }, evidence: { answer: { code: 'BAV00', verification: 'success' }, localNameMatch: { score: 100, threshold: 80 } } });
    expect(result.vendorReference).toBe((result.evidence.answer as { id: string }).id);
  });

  it('answers a holder under another name as a mismatch, below nameMatchThreshold (configurable); without a name, verified', async () => {
    expect(await v.provider.verify(account('026291809999', 'Asha Rao'))).toMatchObject({ outcome: 'mismatch', facts: { registeredName: 'RAVI KUMAR', nameMatchScore: 0 } });
    const partly = account('026291800005678', 'Asha Rao'); // held by ASHA KUMARI RAO: 67
    expect(await v.provider.verify(partly)).toMatchObject({ outcome: 'mismatch', facts: { registeredName: 'ASHA KUMARI RAO', nameMatchScore: 67 } });
    expect(await setu(v.fake, { nameMatchThreshold: 60 }).verify(partly)).toMatchObject({ outcome: 'verified', facts: { nameMatchScore: 67 } });
    expect(await v.provider.verify(account('026291800005678'))).toMatchObject({ outcome: 'verified', facts: { registeredName: 'ASHA KUMARI RAO', nameMatchScore: null } });
  });

  it("answers Setu's failed ('This account does not exist or is invalid.', BAVM1) as invalid, and the codes for a closed or frozen account too", async () => {
    const result = await v.provider.verify(account('026291800000', 'Asha Rao'));
    expect(result).toMatchObject({ outcome: 'invalid', facts: { registeredName: null, nameMatchScore: null }, evidence: { answer: { code: 'BAVM1', verification: 'failed', message: 'This account does not exist or is invalid.' } } });
    expect(result.vendorReference).toEqual(expect.any(String));
    for (const code of ['BAVM5', 'BAVM3', 'BAV52']) {
      v.fake.script({ status: 200, body: JSON.stringify({ id: 'x', code, verification: 'failed', message: 'Account closed' }) });
      expect((await v.provider.verify(account('026291800001191', 'Asha Rao'))).outcome).toBe('invalid');
    }
    // The openapi example's failure carries no code: the account's.
    v.fake.script({ status: 200, body: JSON.stringify({ verification: 'failed', message: 'This account does not exist or is invalid.' }) });
    expect((await v.provider.verify(account('026291800001191', 'Asha Rao'))).outcome).toBe('invalid');
  });

  it('takes a failure that names the bank or network (CBS offline, timeout) for no verdict: transient, carrying the BAV code', async () => {
    for (const code of ['BAVCU', 'BAV91', 'BAV2000']) {
      const err = await failure({ status: 200, body: JSON.stringify({ id: 'x', code, verification: 'failed', message: 'Host (CBS) offline' }) });
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ transient: true, vendorCode: code });
    }
  });

  it("turns Setu's documented 500 (internal_server_error / upstream_service_error) into a transient ProviderError", async () => {
    const err = await failure({ status: 500, body: JSON.stringify({ id: 'x', error: { code: 'upstream_service_error', detail: 'Internal Server Error, Please reach out to support along with the traceId.', traceId: 't' } }) });
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ transient: true, vendorCode: '500' });
  });

  it('turns an answer it cannot read (not JSON, another verdict) into a transient ProviderError', async () => {
    for (const body of ['<html>gateway</html>', JSON.stringify({ id: 'x', verification: 'pending' }), JSON.stringify({ id: 'x', verification: 'SUCCESS', data: { name: 'ASHA RAO' } })]) {
      const err = await failure({ status: 200, body });
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ transient: true, vendorCode: 'UNREADABLE_ANSWER' });
    }
  });

  it('turns bad credentials (401) and a refused request (400) into permanent ProviderErrors', async () => {
    const denied = await setu(v.fake, { clientSecret: 'wrong' }).verify(account('026291800001191', 'Asha Rao')).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ProviderError);
    expect(denied).toMatchObject({ transient: false, vendorCode: '401' });
    const refused = await failure({ status: 400, body: JSON.stringify({ error: { code: 'bad_request', detail: 'ifsc is required', traceId: 't' } }) });
    expect(refused).toMatchObject({ transient: false, vendorCode: '400' });
  });

  it('sends bankAccountProductInstanceId as the penny drop x-product-instance-id when set, productInstanceId to the PAN API', async () => {
    const own = await fakeSetu({ ...SETU, bankAccountProductInstanceId: 'b4d6e2f3-0000-4000-8000-000000000002' });
    try {
      const p = setu(own, { bankAccountProductInstanceId: 'b4d6e2f3-0000-4000-8000-000000000002' });
      expect((await p.verify(account('026291800001191', 'Asha Rao'))).outcome).toBe('verified');
      expect((await p.verify(ask('pan', { pan: 'ABCDE1234F' }))).outcome).toBe('verified');
      expect(own.received.map((r) => [r.path, r.headers['x-product-instance-id']])).toEqual([
        ['/api/verify/ban', 'b4d6e2f3-0000-4000-8000-000000000002'],
        ['/api/verify/pan', SETU.productInstanceId],
      ]);
    } finally {
      await own.close();
    }
  });
});

describe('a chain of verification vendors', () => {
  let cf: FakeVendor;
  let st: FakeVendor;
  const chains: ProviderChain<VerificationProvider>[] = [];
  const chain = (...links: ['cashfree' | 'setu', VerificationProvider][]) => {
    const c = new ProviderChain(links.map(([name, impl]) => ({ name, impl })));
    chains.push(c);
    return c;
  };
  beforeAll(async () => {
    cf = await fakeCashfreeVerification(CASHFREE);
    st = await fakeSetu(SETU);
  });
  afterAll(async () => {
    for (const c of chains) c.shutdown();
    await Promise.all([cf.close(), st.close()]);
  });

  it('answers a PAN from the second vendor when the first answers 503', async () => {
    const c = chain(['cashfree', cashfree(cf)], ['setu', setu(st)]);
    cf.script({ status: 503, body: '{"message":"service unavailable"}' });
    const [cfCalls, stCalls] = [cf.calls(), st.calls()];
    const { provider, result } = await verifyThroughChain(c, ask('pan', { pan: 'ABCDE1234F', name: 'Asha Rao' }));
    expect(provider).toBe('setu');
    expect(result.outcome).toBe('verified');
    expect([cf.calls() - cfCalls, st.calls() - stCalls]).toEqual([1, 1]);
  });

  it('answers a bank account from setu when cashfree answers 503', async () => {
    const c = chain(['cashfree', cashfree(cf)], ['setu', setu(st)]);
    cf.script({ status: 503, body: '{"message":"service unavailable"}' });
    const [cfCalls, stCalls] = [cf.calls(), st.calls()];
    const { provider, result } = await verifyThroughChain(c, ask('bankAccount', { accountNumber: '026291800001191', ifsc: 'YESB0000262', name: 'Asha Rao' }));
    expect(provider).toBe('setu');
    expect(result).toMatchObject({ outcome: 'verified', facts: { registeredName: 'ASHA RAO' } });
    expect([cf.calls() - cfCalls, st.calls() - stCalls]).toEqual([1, 1]);
  });

  it('passes a name match check over setu without asking it or counting it against its breaker', async () => {
    const c = chain(['setu', setu(st)], ['cashfree', cashfree(cf)]);
    const stCalls = st.calls();
    const { provider, result } = await verifyThroughChain(c, ask('nameMatch', { name: 'Asha Rao', against: 'ASHA RAO' }));
    expect(provider).toBe('cashfree');
    expect(result.outcome).toBe('verified');
    expect(st.calls()).toBe(stCalls);
    expect(c.breakers.get('setu')!.stats.fires).toBe(0);
    // With cashfree down there is no one else to ask: setu is still not asked, and the failure stays transient.
    cf.script({ status: 503, body: '' });
    const err = await verifyThroughChain(chain(['cashfree', cashfree(cf)], ['setu', setu(st)]), ask('nameMatch', { name: 'Asha Rao', against: 'ASHA RAO' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ transient: true, vendor: 'cashfree' });
    expect(st.calls()).toBe(stCalls);
  });
});

describe('verification fixtures (development)', () => {
  it('finds a well-formed document under the name given, and a configured answer wins', async () => {
    const p = fixtures({ answers: { ABCDE1234F: { outcome: 'mismatch', registeredName: 'SOMEONE ELSE' } } });
    const given = await p.verify({ check: 'pan', subject: { pan: 'PQRST6789K', name: 'Asha Rao' }, reference: 'r1' });
    expect(given).toMatchObject({ outcome: 'verified', facts: { registeredName: 'ASHA RAO', nameMatchScore: 100 }, vendorReference: 'fixtures-r1' });
    expect((await p.verify({ check: 'pan', subject: { pan: 'ABCDE1234F', name: 'Asha Rao' }, reference: 'r2' })).facts.registeredName).toBe('SOMEONE ELSE');
  });

  it('answers a found document whose name is not close enough as a mismatch (threshold configurable)', async () => {
    const strict = fixtures({ answers: { ABCDE1234F: { outcome: 'verified', registeredName: 'ASHA KUMARI RAO' } }, nameMatchThreshold: 90 });
    const lenient = fixtures({ answers: { ABCDE1234F: { outcome: 'verified', registeredName: 'ASHA KUMARI RAO' } }, nameMatchThreshold: 60 });
    const asked = { check: 'pan' as const, subject: { pan: 'ABCDE1234F', name: 'Asha Rao' }, reference: 'r3' };
    expect((await strict.verify(asked)).outcome).toBe('mismatch');
    expect((await lenient.verify(asked)).outcome).toBe('verified');
  });

  it('sends a code for any Aadhaar but those ending 0000 (none such) and 9999 (no linked mobile), under a reference that is not the number; 123456 opens the fixed e-KYC', async () => {
    const p = fixtures();
    const sent = await p.verify({ check: 'aadhaarOtp', subject: { aadhaar: '234567891234' }, reference: 'r5' });
    expect(sent).toMatchObject({ outcome: 'verified', facts: { reference: 'fixtures-okyc-1234' } });
    expect((await p.verify({ check: 'aadhaarOtp', subject: { aadhaar: '234567890000' }, reference: 'r6' })).outcome).toBe('invalid');
    expect((await p.verify({ check: 'aadhaarOtp', subject: { aadhaar: '234567899999' }, reference: 'r7' })).outcome).toBe('mismatch');
    const kyc = await p.verify({ check: 'aadhaarKyc', subject: { reference: 'fixtures-okyc-1234', otp: '123456' }, reference: 'r8' });
    expect(kyc).toMatchObject({ outcome: 'verified', facts: { name: 'JOHN DOE', addressLine: '12, MG Road, Camp', city: 'Pune', state: 'Maharashtra', pinCode: '411001' } });
    expect((await p.verify({ check: 'aadhaarKyc', subject: { reference: 'fixtures-okyc-1234', otp: '654321' }, reference: 'r9' })).outcome).toBe('invalid');
    expect((await p.verify({ check: 'aadhaarKyc', subject: { reference: 'someone-else', otp: '123456' }, reference: 'r10' })).outcome).toBe('invalid');
  });

  it('refuses every call in production, as a permanent error (a fixture never verifies a real applicant)', async () => {
    const err = await fixtures({}, true).verify({ check: 'pan', subject: { pan: 'ABCDE1234F' }, reference: 'r4' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ transient: false, vendorCode: 'DEVELOPMENT_ONLY' });
  });
});

describe('name match score', () => {
  it.each([
    ['Asha Rao', 'ASHA RAO', 100],
    ['Rao Asha', 'Asha Rao', 100],
    ['Mr. Anil Kumar Sharma', 'A. K. Sharma', 100],
    ['Anil Kumar Sharma', 'Anil Sharma', 67],
    ['Asha Rao', 'Ravi Kumar', 0],
    ['', 'Asha', 0],
    ['Ásha Rao', 'Asha Rao', 100],
  ])('%s ~ %s = %i', (a, b, score) => {
    expect(nameMatchScore(a, b)).toBe(score);
  });
});
