import type pg from 'pg';
import { queryRows } from '../support/sql.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let mobile = 9876000000;
const nextMobile = () => String(mobile++);

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

const signup = (body: Record<string, unknown>) => s.request.post('/ekyc/api/v1/registration/signup').send(body);
const valid = (mobileNumber = nextMobile()) => ({ mobileNumber, fullName: 'John Doe', consentTerms: true, consentBankAutoverify: false });

describe('eKYC on the generic routes (the public applicant role)', () => {
  it('creates and moves a lead without sign-in, answering only where it stands: the applicant may not read leads', async () => {
    const created = await s.request.post('/v1/apps/ekyc/records/lead').send(valid());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(Object.keys(created.body.data).sort()).toEqual(['id', 'state', 'version']);
    const moved = await s.request.post(`/v1/apps/ekyc/records/lead/${created.body.data.id}/events/verify_mobile`).send({ input: { otp: '1234' } });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({ id: created.body.data.id, state: 'MOBILE_VERIFIED', version: 2 });
    expect(moved.body.data.mobileNumber).toBeUndefined();
    // Reading is not the applicant's: sign in (401), not "forbidden" to someone who never said who they are.
    expect((await s.request.get(`/v1/apps/ekyc/records/lead/${created.body.data.id}`)).status).toBe(401);
  });
});

describe('eKYC stage 1: signup', () => {
  it('creates the lead at stage 1 and answers exactly in the seed shape', async () => {
    const res = await signup(valid());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Lead created',
      data: { leadId: expect.stringMatching(/^[0-9a-f-]{36}$/), state: 'INITIATED' },
      journeyStatus: { currentStage: 1, currentState: 'INITIATED', progressPercent: 6 },
    });
  });

  it('sends a 4-digit OTP by SMS through the outbox, keeps only its HMAC, and emits LEAD_CREATED to the four downstream consumers', async () => {
    const m = nextMobile();
    const res = await signup(valid(m));
    const leadId = res.body.data.leadId as string;
    await s.engine.outbox.idle();
    const rows = await sql<{ channel: string; recipient: string; payload: { body?: string; type?: string } }>('SELECT channel, recipient, payload FROM outbox_messages WHERE record_id = $1 OR idempotency_key LIKE $2 ORDER BY channel, recipient', [leadId, 'ekyc:otp:%']);
    const mine = rows.filter((r) => r.channel === 'event' || r.recipient === m);
    expect(mine.map((r) => [r.channel, r.recipient])).toEqual([['event', 'CDP'], ['event', 'CLEVERTAP'], ['event', 'DATALAKE'], ['event', 'ZOHO_CRM'], ['sms', m]]);
    expect(mine[4]!.payload.body).toBe('Your OTP is 1234. It is valid for 5 minutes.');
    expect(mine[0]!.payload.type).toBe('LEAD_CREATED');
    const [otp] = await sql<{ code_hash: string; expires_at: Date; created_at: Date }>('SELECT code_hash, expires_at, created_at FROM otp_challenges WHERE subject = $1', [leadId]);
    expect(otp!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(otp!.expires_at.getTime() - otp!.created_at.getTime()).toBe(5 * 60_000);
    const [timeline] = await sql<{ from_state: string | null; to_state: string }>('SELECT from_state, to_state FROM timeline_entries WHERE record_id = $1', [leadId]);
    expect(timeline).toEqual({ from_state: null, to_state: 'INITIATED' });
  });

  it('refuses a mobile that is not a valid Indian number with 400 and its own code', async () => {
    for (const bad of ['5876543210', '98765', '98765432101', 'abcdefghij']) {
      const res = await signup(valid(bad));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('FE_REG_MOBILE_INVALID');
    }
  });

  it('requires consent to the terms', async () => {
    const res = await signup({ ...valid(), consentTerms: false });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('FE_REG_CONSENT_REQUIRED');
  });

  it('refuses the same mobile within the dedupe window (400 BE_REG_DUPLICATE), even in parallel, and allows it after the window', async () => {
    const m = nextMobile();
    const results = await Promise.all(Array.from({ length: 5 }, () => signup(valid(m))));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400]);
    expect(results.find((r) => r.status === 400)!.body.error).toMatchObject({ code: 'BE_REG_DUPLICATE', message: 'Mobile already registered' });
    s.clock.now = new Date(s.clock.now.getTime() + 29 * 86_400_000);
    expect((await signup(valid(m))).status).toBe(400);
    s.clock.now = new Date(s.clock.now.getTime() + 2 * 86_400_000);
    expect((await signup(valid(m))).status).toBe(200);
  });

  it('stores the mobile number for dedupe only as an HMAC', async () => {
    const m = nextMobile();
    await signup(valid(m));
    const rows = await sql<{ hash: string }>("SELECT hash FROM record_fingerprints WHERE app = 'ekyc'");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.hash).not.toContain(m);
    }
  });
});

describe('eKYC later stages', () => {
  async function lead() {
    const res = await signup(valid());
    return res.body.data.leadId as string;
  }
  const verifyOtp = (leadId: string, otp: string) => s.request.post('/ekyc/api/v1/registration/verify-otp').send({ leadId, otp });
  const submitPan = (leadId: string) => s.request.post('/ekyc/api/v1/pan/submit').send({ leadId, panNumber: 'ABCDE1234F', nameOnPan: 'JOHN DOE' });
  const submitAddress = (leadId: string) => s.request.post('/ekyc/api/v1/address/submit').send({ leadId, addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' });

  it('moves to stage 2 on the right OTP and refuses a wrong one', async () => {
    const id = await lead();
    const wrong = await verifyOtp(id, '9999');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('OTP_INVALID');
    const res = await verifyOtp(id, '1234');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: { leadId: id, state: 'MOBILE_VERIFIED' }, journeyStatus: { currentStage: 2, currentState: 'MOBILE_VERIFIED', progressPercent: 13 } });
  });

  it('refuses a stage before the lead reaches it with STAGE_NOT_REACHED ([RequiresStage(N)])', async () => {
    const id = await lead();
    const pan = await submitPan(id);
    expect(pan.status).toBe(409);
    expect(pan.body.error).toMatchObject({ code: 'STAGE_NOT_REACHED', data: { requiredStage: 2, currentStage: 1 } });
    await verifyOtp(id, '1234');
    const address = await submitAddress(id);
    expect(address.status).toBe(409);
    expect(address.body.error.data).toEqual({ requiredStage: 3, currentStage: 2 });
    expect((await submitPan(id)).body.journeyStatus).toEqual({ currentStage: 3, currentState: 'PAN_SUBMITTED', progressPercent: 19 });
    const done = await submitAddress(id);
    expect(done.status).toBe(200);
    expect(done.body.journeyStatus.currentStage).toBe(4);
    // A stage already passed is not a stage to repeat.
    expect((await submitPan(id)).status).toBe(422);
  });

  it('logs every state transition', async () => {
    const id = await lead();
    await verifyOtp(id, '1234');
    await submitPan(id);
    const rows = await sql<{ event: string; from_state: string | null; to_state: string }>('SELECT event, from_state, to_state FROM timeline_entries WHERE record_id = $1 ORDER BY id', [id]);
    expect(rows).toEqual([
      { event: 'create', from_state: null, to_state: 'INITIATED' },
      { event: 'verify_mobile', from_state: 'INITIATED', to_state: 'MOBILE_VERIFIED' },
      { event: 'submit_pan', from_state: 'MOBILE_VERIFIED', to_state: 'PAN_SUBMITTED' },
    ]);
    const [lead1] = await sql<{ data: { panNumber: string } }>('SELECT data FROM records WHERE id = $1', [id]);
    expect(lead1!.data.panNumber).toBe('ABCDE1234F');
  });

  it('tells the four downstream consumers of every stage, with the lead id and never the PAN or the address', async () => {
    const id = await lead();
    await verifyOtp(id, '1234');
    await submitPan(id);
    await submitAddress(id);
    const events = await sql<{ recipient: string; payload: { type: string; key: string; payload: Record<string, unknown> } }>(
      "SELECT recipient, payload FROM outbox_messages WHERE channel = 'event' AND payload ->> 'key' = $1 ORDER BY created_at, recipient",
      [id],
    );
    const byType = new Map<string, string[]>();
    for (const e of events) byType.set(e.payload.type, [...(byType.get(e.payload.type) ?? []), e.recipient]);
    const four = ['CDP', 'CLEVERTAP', 'DATALAKE', 'ZOHO_CRM'];
    expect(Object.fromEntries(byType)).toEqual({ LEAD_CREATED: four, MOBILE_VERIFIED: four, PAN_SUBMITTED: four, ADDRESS_SUBMITTED: four });
    expect(JSON.stringify(events)).not.toMatch(/ABCDE1234F|MG Road|411001/);
    expect(events.find((e) => e.payload.type === 'ADDRESS_SUBMITTED')!.payload.payload).toEqual({ leadId: id });
  });

  it('validates stage input with the field error code', async () => {
    const id = await lead();
    await verifyOtp(id, '1234');
    const res = await s.request.post('/ekyc/api/v1/pan/submit').send({ leadId: id, panNumber: 'NOTAPAN', nameOnPan: 'X Y' });
    expect(res.status).toBe(400);
    // The step's input declares its own error code, as the signup's fields do.
    expect(res.body.error.code).toBe('FE_PAN_INVALID');
    expect(res.body.error.details).toEqual([{ path: '$.panNumber', message: 'Must be a valid pan' }]);
  });
});

describe('eKYC stage 1: another code (resend)', () => {
  const resend = (leadId: string) => s.request.post('/ekyc/api/v1/registration/resend-otp').send({ leadId });
  const verifyOtp = (leadId: string, otp: string) => s.request.post('/ekyc/api/v1/registration/verify-otp').send({ leadId, otp });
  const smsTo = async (m: string) => (await sql<{ n: number }>("SELECT count(*)::int AS n FROM outbox_messages WHERE channel = 'sms' AND recipient = $1", [m]))[0]!.n;
  const later = (ms: number) => void (s.clock.now = new Date(s.clock.now.getTime() + ms));

  it('sends a new code within the policy (3 resends in 15 minutes), then 429 with Retry-After storing nothing, and again once the window moves', async () => {
    const m = nextMobile();
    const leadId = (await signup(valid(m))).body.data.leadId as string;
    for (let i = 0; i < 3; i++) {
      const again = await resend(leadId);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body).toMatchObject({ success: true, data: { leadId, state: 'INITIATED' }, journeyStatus: { currentStage: 1, currentState: 'INITIATED' } });
    }
    const limited = await resend(leadId);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // The refused request stored nothing: the first code and three resends, each one SMS, each move in the timeline.
    expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM otp_challenges WHERE subject = $1', [leadId]))[0]!.n).toBe(4);
    expect(await smsTo(m)).toBe(4);
    const moves = await sql<{ event: string }>("SELECT event FROM timeline_entries WHERE record_id = $1 AND event = 'resend_mobile_otp'", [leadId]);
    expect(moves).toHaveLength(3);
    later(15 * 60_000 + 1000);
    expect((await resend(leadId)).status).toBe(200);
    expect((await verifyOtp(leadId, '1234')).body.data).toEqual({ leadId, state: 'MOBILE_VERIFIED' });
    // Past stage 1 there is no code to resend.
    expect((await resend(leadId)).status).toBe(422);
  });

  it('lets an applicant whose code expired, or locked after 5 wrong tries, ask for another and go on with it', async () => {
    const expiredLead = (await signup(valid())).body.data.leadId as string;
    later(5 * 60_000 + 1000);
    const expired = await verifyOtp(expiredLead, '1234');
    expect(expired.body.error.code).toBe('OTP_EXPIRED');
    expect((await resend(expiredLead)).status).toBe(200);
    expect((await verifyOtp(expiredLead, '1234')).status).toBe(200);

    const lockedLead = (await signup(valid())).body.data.leadId as string;
    for (let i = 0; i < 5; i++) expect((await verifyOtp(lockedLead, '9999')).status).toBe(401);
    const locked = await verifyOtp(lockedLead, '1234');
    expect(locked.status).toBe(423);
    expect((await resend(lockedLead)).status).toBe(200);
    const after = await verifyOtp(lockedLead, '1234');
    expect(after.body.data, JSON.stringify(after.body)).toEqual({ leadId: lockedLead, state: 'MOBILE_VERIFIED' });
  });

  it('is the same move on the generic route, for the public role only as its permissions say', async () => {
    const leadId = (await signup(valid())).body.data.leadId as string;
    const generic = await s.request.post(`/v1/apps/ekyc/records/lead/${leadId}/events/resend_mobile_otp`).send({});
    expect(generic.status, JSON.stringify(generic.body)).toBe(200);
    expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM otp_challenges WHERE subject = $1', [leadId]))[0]!.n).toBe(2);
  });
});
