// The eKYC PAN, address and bank account steps against real vendor plugins on loopback fakes of
// their documented APIs: Cashfree first, Setu behind it. Failover when the first answers 5xx (the
// PAN, and the penny drop), the breaker keeping a failing vendor out, and — every vendor down — the
// lead waiting in PAN_PENDING until the retry job gets an answer. The Aadhaar offline e-KYC is
// Cashfree's alone: with Cashfree down there is no one else to ask.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASHFREE_AADHAAR_OTP, fakeCashfreeVerification, fakeSetu } from '../support/fakes/verification-fakes.ts';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const CASHFREE = { clientId: 'CF-journey-client', clientSecret: 'cf-journey-secret' };
const SETU = { clientId: 'setu-journey-client', clientSecret: 'setu-journey-secret', productInstanceId: 'a3c5d1e2-0000-4000-8000-000000000002' };

/** eKYC's vendors turned on by their client ids, as in production, pointed at these fakes. */
const vendorEnv = (cashfreeUrl: string, setuUrl: string) => ({
  CASHFREE_CLIENT_ID: CASHFREE.clientId,
  CASHFREE_CLIENT_SECRET: CASHFREE.clientSecret,
  CASHFREE_VERIFICATION_URL: `${cashfreeUrl}/verification`,
  SETU_CLIENT_ID: SETU.clientId,
  SETU_CLIENT_SECRET: SETU.clientSecret,
  SETU_PRODUCT_INSTANCE_ID: SETU.productInstanceId,
  SETU_URL: setuUrl,
});

/**
 * In a describe: a server with vendor fakes of its own, started before its tests and closed after —
 * fresh breakers, and nothing its tests do reaches the breakers the tests on the shared server reason about.
 */
function serverOfItsOwn() {
  const own = {} as { server: TestServer; cf: Awaited<ReturnType<typeof fakeCashfreeVerification>>; st: Awaited<ReturnType<typeof fakeSetu>>; sql<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]> };
  own.sql = (text, values = []) => queryRows(own.server.databaseUrl, text, values);
  beforeAll(async () => {
    own.cf = await fakeCashfreeVerification(CASHFREE);
    own.st = await fakeSetu(SETU);
    own.server = await startTestServer({ env: vendorEnv(own.cf.url, own.st.url) });
  });
  afterAll(async () => {
    await own.server?.close();
    await own.cf?.close();
    await own.st?.close();
  });
  return own;
}

let s: TestServer;
let cashfree: Awaited<ReturnType<typeof fakeCashfreeVerification>>;
let setu: Awaited<ReturnType<typeof fakeSetu>>;
let mobile = 9866000000;

beforeAll(async () => {
  cashfree = await fakeCashfreeVerification(CASHFREE);
  setu = await fakeSetu(SETU);
  // The shipped definitions: eKYC's vendors are turned on by their client ids, as in production.
  s = await startTestServer({ env: vendorEnv(cashfree.url, setu.url), breaker: { errorThresholdPercentage: 60, volumeThreshold: 4, resetTimeoutMs: 60_000, rollingWindowMs: 60_000 } });
});
afterAll(async () => {
  await s?.close();
  await cashfree?.close();
  await setu?.close();
});

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

/** An applicant at stage 2 (mobile verified), with their journey token. */
async function atPanStep() {
  const signup = await s.request.post('/ekyc/api/v1/registration/signup').send({ mobileNumber: String(mobile++), fullName: 'Asha Rao', consentTerms: true, consentBankAutoverify: false });
  const journey = { authorization: `Bearer ${signup.headers['x-session-token']}` };
  const leadId = signup.body.data.leadId as string;
  expect((await s.request.post('/ekyc/api/v1/registration/verify-otp').set(journey).send({ leadId, otp: '1234' })).status).toBe(200);
  return {
    leadId,
    submitPan: () => s.request.post('/ekyc/api/v1/pan/submit').set(journey).send({ leadId, panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' }),
    step: (path: string, body: Record<string, unknown>) => s.request.post(`/ekyc/api/v1/${path}`).set(journey).send({ leadId, ...body }),
  };
}
const later = (ms: number) => void (s.clock.now = new Date(s.clock.now.getTime() + ms));
const calls = (leadId: string) => sql<{ outcome: string; provider: string | null }>('SELECT outcome, provider FROM verifications WHERE record_id = $1 ORDER BY at, reference', [leadId]);

// A server of its own (fresh breakers): Cashfree is asked on the retry, whatever the tests below did to it.
describe('eKYC: a retry whose verified move fails', () => {
  const o = serverOfItsOwn();

  it('finishes it from what was learnt on later passes, never asking the vendor again', async () => {
    const signup = await o.server.request.post('/ekyc/api/v1/registration/signup').send({ mobileNumber: String(mobile++), fullName: 'Asha Rao', consentTerms: true, consentBankAutoverify: false });
    const journey = { authorization: `Bearer ${signup.headers['x-session-token']}` };
    const leadId = signup.body.data.leadId as string;
    expect((await o.server.request.post('/ekyc/api/v1/registration/verify-otp').set(journey).send({ leadId, otp: '1234' })).status).toBe(200);
    o.cf.script({ status: 503, body: 'down' });
    o.st.script({ status: 503, body: 'down' });
    const res = await o.server.request.post('/ekyc/api/v1/pan/submit').set(journey).send({ leadId, panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' });
    expect(res.body.data?.state, JSON.stringify(res.body)).toBe('PAN_PENDING');
    // Cashfree verifies the PAN under a name longer than the lead's field takes: the move's `set` is refused.
    o.cf.script({ status: 200, body: JSON.stringify({ verification_id: 'x', reference_id: 7, pan: 'ABCDE1234F', name: 'A'.repeat(300), name_match: 'Y', pan_status: 'E', status: 'VALID' }) });
    let finished = 0;
    for (let i = 0; i < 12 && !finished; i++) {
      o.server.clock.now = new Date(o.server.clock.now.getTime() + 31 * 60_000);
      finished = (await o.server.engine.pendingVerifications.retryDue()).finished;
    }
    expect(finished).toBe(1);
    // One verified call, however many passes tried to finish the move; then operations look at it.
    expect(await o.sql<{ outcome: string; provider: string }>('SELECT outcome, provider FROM verifications WHERE record_id = $1 ORDER BY at, reference', [leadId])).toEqual([
      { outcome: 'unavailable', provider: null },
      { outcome: 'verified', provider: 'cashfree' },
    ]);
    const [last] = await o.sql<{ event: string; remarks: string }>("SELECT event, remarks FROM timeline_entries WHERE record_id = $1 AND to_state = 'PAN_REVIEW'", [leadId]);
    expect(last).toEqual({ event: 'pan_to_review', remarks: 'Verified, but the move could not be finished in 10 tries' });
  });
});

// A server of its own: the breaker the PAN tests below reason about never sees these calls.
describe('eKYC address by Aadhaar offline e-KYC through Cashfree', () => {
  const o = serverOfItsOwn();

  async function atAddressStep() {
    const signup = await o.server.request.post('/ekyc/api/v1/registration/signup').send({ mobileNumber: String(mobile++), fullName: 'Asha Rao', consentTerms: true, consentBankAutoverify: false });
    const journey = { authorization: `Bearer ${signup.headers['x-session-token']}` };
    const leadId = signup.body.data.leadId as string;
    const step = (path: string, body: Record<string, unknown>) => o.server.request.post(`/ekyc/api/v1/${path}`).set(journey).send({ leadId, ...body });
    expect((await step('registration/verify-otp', { otp: '1234' })).status).toBe(200);
    expect((await step('pan/submit', { panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' })).body.data?.state).toBe('PAN_SUBMITTED');
    return { leadId, step };
  }

  it("sends the code through Cashfree's offline-aadhaar/otp and takes the address from offline-aadhaar/verify; the number reaches Cashfree and is kept nowhere", async () => {
    const a = await atAddressStep();
    const sent = await a.step('address/aadhaar/otp', { aadhaarNumber: '655675523712' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.data.state).toBe('AADHAAR_OTP_SENT');
    expect(o.cf.received.at(-1)).toMatchObject({ path: '/verification/offline-aadhaar/otp', body: JSON.stringify({ aadhaar_number: '655675523712' }) });
    const [before] = await o.sql<{ data: Record<string, string> }>('SELECT data FROM records WHERE id = $1', [a.leadId]);
    const reference = before!.data.aadhaarKycReference!;
    expect(reference).toMatch(/^\d+$/);
    const done = await a.step('address/aadhaar/verify', { otp: CASHFREE_AADHAAR_OTP });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ data: { state: 'ADDRESS_SUBMITTED' }, journeyStatus: { currentStage: 4 } });
    expect(JSON.parse(o.cf.received.at(-1)!.body)).toEqual({ otp: CASHFREE_AADHAAR_OTP, ref_id: reference });
    const [lead] = await o.sql<{ data: Record<string, string> }>('SELECT data FROM records WHERE id = $1', [a.leadId]);
    expect(lead!.data).toMatchObject({ addressLine: 'Flat 4, Shanti Kunj, Jangli Maharaj Road, Near Balgandharva, Shivajinagar', city: 'Pune', addressState: 'Maharashtra', pinCode: '411004', aadhaarName: 'Asha Rao', addressSource: 'aadhaar_okyc' });
    const checks = await o.sql<{ check: string; outcome: string; provider: string; evidence: Record<string, unknown> }>('SELECT "check", outcome, provider, evidence FROM verifications WHERE record_id = $1 AND "check" LIKE $2 ORDER BY at', [a.leadId, 'aadhaar%']);
    expect(checks.map((c) => [c.check, c.outcome, c.provider])).toEqual([['aadhaarOtp', 'verified', 'cashfree'], ['aadhaarKyc', 'verified', 'cashfree']]);
    expect(checks[1]!.evidence).not.toHaveProperty('photo_link');
    for (const t of ['records', 'timeline_entries', 'audit_entries', 'outbox_messages', 'verifications']) {
      expect((await o.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} AS t WHERE t::text LIKE $1`, ['%655675523712%']))[0]!.n, t).toBe(0);
    }
  });

  it("answers Cashfree's verdicts with the step's codes: no linked mobile, no such Aadhaar, a wrong code", async () => {
    const a = await atAddressStep();
    expect((await a.step('address/aadhaar/otp', { aadhaarNumber: '655675529999' })).body.error).toMatchObject({ code: 'BE_AADHAAR_NO_MOBILE' });
    expect((await a.step('address/aadhaar/otp', { aadhaarNumber: '655675523710' })).body.error).toMatchObject({ code: 'BE_AADHAAR_NOT_FOUND' });
    const b = await atAddressStep();
    expect((await b.step('address/aadhaar/otp', { aadhaarNumber: '234567890123' })).body.data?.state).toBe('AADHAAR_OTP_SENT');
    const wrong = await b.step('address/aadhaar/verify', { otp: '000111' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'BE_AADHAAR_OTP_INVALID', data: { outcome: 'invalid' } });
    // Jaipur's Aadhaar names no village or town: the district is the city.
    expect((await b.step('address/aadhaar/verify', { otp: CASHFREE_AADHAAR_OTP })).body.data?.state).toBe('ADDRESS_SUBMITTED');
    const [lead] = await o.sql<{ data: Record<string, string> }>('SELECT data FROM records WHERE id = $1', [b.leadId]);
    expect(lead!.data).toMatchObject({ city: 'Jaipur', pinCode: '302001', addressSource: 'aadhaar_okyc' });
  });

  it('answers 503 when Cashfree cannot: Setu offers no Aadhaar e-KYC and is not asked; nothing moves, and the typed address stays open', async () => {
    const a = await atAddressStep();
    o.cf.script({ status: 503, body: 'upstream down' });
    const setuCalls = o.st.calls();
    const res = await a.step('address/aadhaar/otp', { aadhaarNumber: '655675523712' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('VERIFICATION_UNAVAILABLE');
    expect(o.st.calls()).toBe(setuCalls);
    const [lead] = await o.sql<{ state: string }>('SELECT state FROM records WHERE id = $1', [a.leadId]);
    expect(lead!.state).toBe('PAN_SUBMITTED');
    expect((await a.step('address/submit', { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' })).body.data?.state).toBe('ADDRESS_SUBMITTED');
  });
});

describe('eKYC PAN verification through Cashfree, then Setu', () => {
  it('asks the first vendor, which verifies the PAN', async () => {
    const a = await atPanStep();
    const res = await a.submitPan();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.state).toBe('PAN_SUBMITTED');
    expect(await calls(a.leadId)).toEqual([{ outcome: 'verified', provider: 'cashfree' }]);
    // The request's reference reached Cashfree as its verification_id.
    expect(cashfree.received.at(-1)!.body).toContain(`"verification_id"`);
  });

  it('fails over to the second vendor when the first answers 5xx', async () => {
    const a = await atPanStep();
    cashfree.script({ status: 503, body: 'upstream down' });
    const before = setu.calls();
    const res = await a.submitPan();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await calls(a.leadId)).toEqual([{ outcome: 'verified', provider: 'setu' }]);
    expect(setu.calls()).toBe(before + 1);
  });

  it('fails over to Setu\'s penny drop when Cashfree answers 5xx for the bank account, and the lead reaches BANK_VERIFIED under the holder Setu names', async () => {
    const a = await atPanStep();
    expect((await a.submitPan()).body.data?.state).toBe('PAN_SUBMITTED');
    const steps: [string, Record<string, unknown>, string][] = [
      ['address/submit', { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' }, 'ADDRESS_SUBMITTED'],
      ['email/submit', { email: 'asha.rao@example.in' }, 'EMAIL_OTP_SENT'],
      ['email/verify-otp', { otp: '123456' }, 'EMAIL_VERIFIED'],
      ['personal-details/submit', { dateOfBirth: '1990-04-12', gender: 'female', maritalStatus: 'single', occupation: 'salaried', annualIncome: '5l_10l' }, 'PERSONAL_DETAILS'],
    ];
    for (const [path, body, state] of steps) {
      const res = await a.step(path, body);
      expect(res.body.data?.state, `${path}: ${JSON.stringify(res.body)}`).toBe(state);
    }
    cashfree.script({ status: 503, body: 'upstream down' });
    const [cashfreeCalls, setuCalls] = [cashfree.calls(), setu.calls()];
    const res = await a.step('bank-account/submit', { bankAccountNumber: '026291800001191', ifsc: 'YESB0000262' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.state).toBe('BANK_VERIFIED');
    expect([cashfree.calls() - cashfreeCalls, setu.calls() - setuCalls]).toEqual([1, 1]);
    expect(setu.received.at(-1)).toMatchObject({ path: '/api/verify/ban', body: JSON.stringify({ ifsc: 'YESB0000262', accountNumber: '026291800001191' }) });
    const checks = await sql<{ check: string; outcome: string; provider: string | null; facts: Record<string, unknown> }>('SELECT "check", outcome, provider, facts FROM verifications WHERE record_id = $1 ORDER BY "check"', [a.leadId]);
    expect(checks).toMatchObject([
      { check: 'bankAccount', outcome: 'verified', provider: 'setu', facts: { registeredName: 'ASHA RAO', nameMatchScore: 100 } },
      { check: 'pan', outcome: 'verified', provider: 'cashfree' },
    ]);
    const [lead] = await sql<{ state: string; data: Record<string, string> }>('SELECT state, data FROM records WHERE id = $1', [a.leadId]);
    expect(lead).toMatchObject({ state: 'BANK_VERIFIED', data: { bankAccountNumber: '026291800001191', ifsc: 'YESB0000262', bankHolderName: 'ASHA RAO' } });
  });

  it('keeps a lead whose PAN no vendor could verify waiting in PAN_PENDING, moving it on when the retry job gets an answer; the breaker then keeps the failing vendor out', async () => {
    const a = await atPanStep();
    cashfree.script({ status: 502, body: 'bad gateway' }, { status: 502, body: 'bad gateway' }, { status: 502, body: 'bad gateway' });
    setu.script({ status: 500, body: 'down' }, { status: 500, body: 'down' });
    const res = await a.submitPan();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ data: { leadId: a.leadId, state: 'PAN_PENDING' }, journeyStatus: { currentStage: 2, currentState: 'PAN_PENDING' } });
    expect(await calls(a.leadId)).toEqual([{ outcome: 'unavailable', provider: null }]);
    const pending = () => sql<{ tries: number; subject: Record<string, string> }>('SELECT tries, subject FROM pending_verifications WHERE record_id = $1', [a.leadId]);
    expect(await pending()).toEqual([{ tries: 1, subject: { pan: 'ABCDE1234F', name: 'Asha Rao' } }]);
    // Not due yet: nothing asked.
    expect(await s.engine.pendingVerifications.retryDue()).toEqual({ tried: 0, finished: 0 });
    // Due, and still no vendor answers: tried again later (backoff).
    later(31_000);
    expect(await s.engine.pendingVerifications.retryDue()).toEqual({ tried: 1, finished: 0 });
    expect((await pending())[0]!.tries).toBe(2);
    expect(await s.engine.pendingVerifications.retryDue()).toEqual({ tried: 0, finished: 0 });
    // The vendors are back: the next try verifies the PAN and finishes the move, as the scheduler.
    later(61_000);
    expect(await s.engine.pendingVerifications.retryDue()).toEqual({ tried: 1, finished: 1 });
    expect(await pending()).toEqual([]);
    const [lead] = await sql<{ state: string; data: Record<string, string> }>('SELECT state, data FROM records WHERE id = $1', [a.leadId]);
    expect(lead).toMatchObject({ state: 'PAN_SUBMITTED', data: { panNumber: 'ABCDE1234F', panRegisteredName: 'ASHA RAO' } });
    const moves = await sql<{ event: string; from_state: string; to_state: string; actor_id: string }>('SELECT event, from_state, to_state, actor_id FROM timeline_entries WHERE record_id = $1 AND event = $2 ORDER BY id', [a.leadId, 'submit_pan']);
    expect(moves).toEqual([
      { event: 'submit_pan', from_state: 'MOBILE_VERIFIED', to_state: 'PAN_PENDING', actor_id: `session:${a.leadId}` },
      { event: 'submit_pan', from_state: 'PAN_PENDING', to_state: 'PAN_SUBMITTED', actor_id: 'system' },
    ]);
    expect((await sql("SELECT 1 FROM outbox_messages WHERE channel = 'event' AND payload ->> 'key' = $1 AND payload ->> 'type' = 'PAN_SUBMITTED'", [a.leadId])).length).toBe(4);
    expect((await calls(a.leadId)).map((c) => c.outcome)).toEqual(['unavailable', 'unavailable', 'verified']);

    // Cashfree's 502s so far open its breaker: the next PAN never reaches it.
    const cashfreeCalls = cashfree.calls();
    const b = await atPanStep();
    expect((await b.submitPan()).status).toBe(200);
    expect(cashfree.calls()).toBe(cashfreeCalls);
    expect(await calls(b.leadId)).toEqual([{ outcome: 'verified', provider: 'setu' }]);
  });

  it('sends a pending lead back to the PAN step when the retry finds the name does not match, saying why', async () => {
    const signup = await s.request.post('/ekyc/api/v1/registration/signup').send({ mobileNumber: String(mobile++), fullName: 'Asha Rao', consentTerms: true, consentBankAutoverify: false });
    const journey = { authorization: `Bearer ${signup.headers['x-session-token']}` };
    const leadId = signup.body.data.leadId as string;
    await s.request.post('/ekyc/api/v1/registration/verify-otp').set(journey).send({ leadId, otp: '1234' });
    // Cashfree's breaker is open (the test before); Setu fails this once.
    cashfree.script({ status: 503, body: 'down' });
    setu.script({ status: 503, body: 'down' });
    const res = await s.request.post('/ekyc/api/v1/pan/submit').set(journey).send({ leadId, panNumber: 'ABCDE9999F', nameOnPan: 'Asha Rao' });
    expect(res.body.data?.state, JSON.stringify(res.body)).toBe('PAN_PENDING');
    later(31_000);
    expect(await s.engine.pendingVerifications.retryDue()).toMatchObject({ finished: 1 });
    const [back] = await sql<{ event: string; to_state: string; remarks: string }>("SELECT event, to_state, remarks FROM timeline_entries WHERE record_id = $1 AND from_state = 'PAN_PENDING'", [leadId]);
    expect(back).toEqual({ event: 'submit_pan', to_state: 'MOBILE_VERIFIED', remarks: 'The name does not match the one the PAN is registered under' });
    // The applicant corrects it and goes on.
    expect((await s.request.post('/ekyc/api/v1/pan/submit').set(journey).send({ leadId, panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' })).body.data.state).toBe('PAN_SUBMITTED');
  });

  it('counts the failures before an outage with those after it: a trip through PAN_PENDING gives no fresh tries', async () => {
    /** The PAN refused again while every vendor is down: the lead waits; the vendors come back and the retry job answers. */
    const throughAnOutage = async (submit: () => Promise<{ body: { data?: { state?: string } } }>) => {
      cashfree.script({ status: 503, body: 'down' }, { status: 503, body: 'down' });
      setu.script({ status: 503, body: 'down' }, { status: 503, body: 'down' });
      expect((await submit()).body.data?.state).toBe('PAN_PENDING');
      cashfree.clearScript();
      setu.clearScript();
      later(31_000);
      expect(await s.engine.pendingVerifications.retryDue()).toMatchObject({ finished: 1 });
    };
    // Two names that do not match, then the vendors are down: the lead waits; the retry finds the
    // third mismatch — manual review, as a third refusal without the outage would have been.
    const a = await atPanStep();
    const mismatch = () => a.step('pan/submit', { panNumber: 'ABCDE9999F', nameOnPan: 'Asha Rao' });
    expect((await mismatch()).body.error).toMatchObject({ code: 'BE_PAN_NAME_MISMATCH', data: { attempt: 1 } });
    expect((await mismatch()).body.error).toMatchObject({ code: 'BE_PAN_NAME_MISMATCH', data: { attempt: 2 } });
    await throughAnOutage(mismatch);
    const [lead] = await sql<{ state: string }>('SELECT state FROM records WHERE id = $1', [a.leadId]);
    expect(lead!.state).toBe('PAN_REVIEW');

    // One mismatch, the outage, a second found by the retry (back to the PAN step), and the
    // applicant's next one is the third: review.
    const b = await atPanStep();
    const bMismatch = () => b.step('pan/submit', { panNumber: 'ABCDE9999F', nameOnPan: 'Asha Rao' });
    expect((await bMismatch()).body.error).toMatchObject({ data: { attempt: 1 } });
    await throughAnOutage(bMismatch);
    const [back] = await sql<{ to_state: string }>("SELECT to_state FROM timeline_entries WHERE record_id = $1 AND from_state = 'PAN_PENDING'", [b.leadId]);
    expect(back!.to_state).toBe('MOBILE_VERIFIED');
    const third = await bMismatch();
    expect(third.status, JSON.stringify(third.body)).toBe(200);
    expect(third.body.data.state).toBe('PAN_REVIEW');
  });

  it('sends a lead no vendor answered for after every retry (~2 h) to manual review', async () => {
    const a = await atPanStep();
    const down = Array.from({ length: 12 }, () => ({ status: 503, body: 'down' }));
    cashfree.script(...down);
    setu.script(...down);
    expect((await a.submitPan()).body.data.state).toBe('PAN_PENDING');
    let finished = 0;
    for (let i = 0; i < 12 && !finished; i++) {
      later(31 * 60_000);
      finished = (await s.engine.pendingVerifications.retryDue()).finished;
    }
    cashfree.clearScript();
    setu.clearScript();
    expect(finished).toBe(1);
    const [lead] = await sql<{ state: string }>('SELECT state FROM records WHERE id = $1', [a.leadId]);
    expect(lead!.state).toBe('PAN_REVIEW');
    const [last] = await sql<{ event: string; remarks: string; actor_id: string }>("SELECT event, remarks, actor_id FROM timeline_entries WHERE record_id = $1 AND to_state = 'PAN_REVIEW'", [a.leadId]);
    expect(last).toEqual({ event: 'pan_to_review', remarks: 'No verification provider answered in 10 tries', actor_id: 'system' });
  });
});
