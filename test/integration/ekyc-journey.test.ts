import type pg from 'pg';
import { queryRows } from '../support/sql.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { TINY_PNG as PNG } from '../support/tiny-png.ts';

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

/**
 * An applicant after signup: their lead and the journey token the last answer gave them (each step
 * answers a fresh one, which the next step uses, as the app would).
 */
async function applicant(mobileNumber = nextMobile()) {
  const res = await signup(valid(mobileNumber));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const a: { leadId: string; token: string; signup: typeof res; step(path: string, body?: Record<string, unknown>, token?: string | null): Promise<typeof res> } = {
    leadId: res.body.data.leadId as string,
    token: res.headers['x-session-token'] as string,
    signup: res,
    /** POST /ekyc/api/v1/<path> with { leadId, ...body } and the journey token. */
    async step(path: string, body: Record<string, unknown> = {}, token: string | null = a.token) {
      const req = s.request.post(`/ekyc/api/v1/${path}`);
      if (token) req.set('authorization', `Bearer ${token}`);
      const r = await req.send({ leadId: a.leadId, ...body });
      if (r.headers['x-session-token']) a.token = r.headers['x-session-token'] as string;
      return r;
    },
  };
  return a;
}

describe('eKYC on the generic routes (the public applicant role)', () => {
  it('creates and moves a lead without sign-in, with the session the create answered, and reads back only its own lead', async () => {
    const created = await s.request.post('/v1/apps/ekyc/records/lead').send(valid());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const token = created.headers['x-session-token'] as string;
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const id = created.body.data.id as string;
    const moved = await s.request.post(`/v1/apps/ekyc/records/lead/${id}/events/verify_mobile`).set('authorization', `Bearer ${token}`).send({ input: { otp: '1234' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.data).toMatchObject({ id, state: 'MOBILE_VERIFIED', version: 2 });
    const read = await s.request.get(`/v1/apps/ekyc/records/lead/${id}`).set('authorization', `Bearer ${moved.headers['x-session-token']}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ id, state: 'MOBILE_VERIFIED', mobileNumber: created.body.data.mobileNumber });
    // Without the token, the lead id alone opens nothing: asked to identify (401), on every route.
    expect((await s.request.get(`/v1/apps/ekyc/records/lead/${id}`)).status).toBe(401);
    expect((await s.request.post(`/v1/apps/ekyc/records/lead/${id}/events/submit_pan`).send({ input: { panNumber: 'ABCDE1234F', nameOnPan: 'JOHN DOE' } })).status).toBe(401);
    // A session opens its own lead, never a list of them.
    const list = await s.request.get('/v1/apps/ekyc/records/lead').set('authorization', `Bearer ${token}`);
    expect(list.status).toBe(403);
    expect((await s.request.get('/v1/apps/ekyc/records/lead')).status).toBe(401);
  });
});

describe('eKYC journey token', () => {
  it('answers signup with the token in X-Session-Token, keeping the seed body', async () => {
    const a = await applicant();
    expect(a.signup.body).toEqual({
      success: true,
      message: 'Lead created',
      data: { leadId: a.leadId, state: 'INITIATED' },
      journeyStatus: { currentStage: 1, currentState: 'INITIATED', progressPercent: 6 },
    });
    expect(a.signup.headers['x-session-expires-in']).toBe('1800');
    // Signed for the app's sessions only: it is not an access token.
    const payload = JSON.parse(Buffer.from(a.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ aud: 'ekyc:session', sub: a.leadId, entity: 'lead', purpose: 'session' });
    expect(payload.exp! as number - (payload.iat as number)).toBe(1800);
    expect((await s.request.get('/v1/apps/ekyc/outbox').set('authorization', `Bearer ${a.token}`)).status).toBe(401);
    expect((await s.request.get(`/v1/apps/solarium/records/lead`).set('authorization', `Bearer ${a.token}`)).status).toBe(401);
  });

  it("refuses every step without it (401) and with another lead's (403), storing nothing", async () => {
    const a = await applicant();
    const b = await applicant();
    const before = await sql('SELECT state, version FROM records WHERE id = $1', [a.leadId]);
    const timeline = async () => (await sql<{ n: number }>('SELECT count(*)::int AS n FROM timeline_entries WHERE record_id = $1', [a.leadId]))[0]!.n;
    const entries = await timeline();
    const none = await a.step('registration/verify-otp', { otp: '1234' }, null);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const other = await a.step('registration/verify-otp', { otp: '1234' }, b.token);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('FORBIDDEN');
    expect((await a.step('registration/resend-otp', {}, b.token)).status).toBe(403);
    expect((await a.step('registration/resend-otp', {}, 'not.a.token')).status).toBe(401);
    const forged = `${a.token.slice(0, a.token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    expect((await a.step('registration/verify-otp', { otp: '1234' }, forged)).status).toBe(401);
    expect(await sql('SELECT state, version FROM records WHERE id = $1', [a.leadId])).toEqual(before);
    expect(await timeline()).toBe(entries);
    expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM otp_challenges WHERE subject = $1', [a.leadId]))[0]!.n).toBe(1);
    // The right token goes on.
    expect((await a.step('registration/verify-otp', { otp: '1234' })).status).toBe(200);
  });

  it("answers a new signup sent with an old token the new lead's token, not a refresh of the old one", async () => {
    const a = await applicant();
    const again = await s.request.post('/ekyc/api/v1/registration/signup').set('authorization', `Bearer ${a.token}`).send(valid());
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const payload = JSON.parse(Buffer.from(String(again.headers['x-session-token']).split('.')[1]!, 'base64url').toString()) as { sub: string };
    expect(payload.sub).toBe(again.body.data.leadId);
    expect(payload.sub).not.toBe(a.leadId);
  });

  it('answers a fresh token with every step: it lasts 30 minutes from the last step, not from signup', async () => {
    const a = await applicant();
    const first = a.token;
    const later = (ms: number) => void (s.clock.now = new Date(s.clock.now.getTime() + ms));
    const verified = await a.step('registration/verify-otp', { otp: '1234' });
    expect(verified.status).toBe(200);
    expect(verified.headers['x-session-expires-in']).toBe('1800');
    later(20 * 60_000);
    expect((await a.step('pan/submit', { panNumber: 'ABCDE1234F', nameOnPan: 'JOHN DOE' })).status).toBe(200);
    later(20 * 60_000);
    // 40 minutes after signup: the first token has expired, the one the last step answered has not.
    const stale = await a.step('address/submit', { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' }, first);
    expect(stale.status).toBe(401);
    expect(stale.body.error.message).toBe('The session has expired');
    expect((await a.step('address/submit', { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' })).status).toBe(200);
    later(31 * 60_000);
    expect((await s.request.get('/ekyc/api/v1/journey/status').set('authorization', `Bearer ${a.token}`)).status).toBe(401);
  });

  it("GET /api/v1/journey/status: the applicant's own stage, state, progress and next steps, to resume after an app restart", async () => {
    const a = await applicant();
    const status = await s.request.get('/ekyc/api/v1/journey/status').set('authorization', `Bearer ${a.token}`);
    expect(status.status, JSON.stringify(status.body)).toBe(200);
    expect(status.body).toMatchObject({
      success: true,
      data: { id: a.leadId, state: 'INITIATED', allowedEvents: ['verify_mobile', 'resend_mobile_otp'] },
      journeyStatus: { currentStage: 1, currentState: 'INITIATED', progressPercent: 6 },
    });
    expect(status.headers['x-session-token']).toBeTruthy();
    const anonymous = await s.request.get('/ekyc/api/v1/journey/status');
    expect(anonymous.status).toBe(401);
    // Ops read leads by id, not "their own journey".
    const opsToken = await s.login('ops@ekyc.test', 'ekyc');
    const ops = await s.request.get('/ekyc/api/v1/journey/status').set('authorization', `Bearer ${opsToken}`);
    expect(ops.status).toBe(401);
    expect((await s.request.get(`/ekyc/api/v1/leads/${a.leadId}`).set('authorization', `Bearer ${opsToken}`)).status).toBe(200);
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
  type Applicant = Awaited<ReturnType<typeof applicant>>;
  const verifyOtp = (a: Applicant, otp: string) => a.step('registration/verify-otp', { otp });
  const submitPan = (a: Applicant) => a.step('pan/submit', { panNumber: 'ABCDE1234F', nameOnPan: 'JOHN DOE' });
  const submitAddress = (a: Applicant) => a.step('address/submit', { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' });

  it('moves to stage 2 on the right OTP and refuses a wrong one', async () => {
    const a = await applicant();
    const wrong = await verifyOtp(a, '9999');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('OTP_INVALID');
    const res = await verifyOtp(a, '1234');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: { leadId: a.leadId, state: 'MOBILE_VERIFIED' }, journeyStatus: { currentStage: 2, currentState: 'MOBILE_VERIFIED', progressPercent: 13 } });
  });

  it('refuses a stage before the lead reaches it with STAGE_NOT_REACHED ([RequiresStage(N)])', async () => {
    const a = await applicant();
    const pan = await submitPan(a);
    expect(pan.status).toBe(409);
    expect(pan.body.error).toMatchObject({ code: 'STAGE_NOT_REACHED', data: { requiredStage: 2, currentStage: 1 } });
    await verifyOtp(a, '1234');
    const address = await submitAddress(a);
    expect(address.status).toBe(409);
    expect(address.body.error.data).toEqual({ requiredStage: 3, currentStage: 2 });
    expect((await submitPan(a)).body.journeyStatus).toEqual({ currentStage: 3, currentState: 'PAN_SUBMITTED', progressPercent: 19 });
    const done = await submitAddress(a);
    expect(done.status).toBe(200);
    expect(done.body.journeyStatus.currentStage).toBe(4);
    // A stage already passed is not a stage to repeat.
    expect((await submitPan(a)).status).toBe(422);
  });

  it('logs every state transition', async () => {
    const a = await applicant();
    await verifyOtp(a, '1234');
    await submitPan(a);
    const rows = await sql<{ event: string; from_state: string | null; to_state: string; actor_id: string }>('SELECT event, from_state, to_state, actor_id FROM timeline_entries WHERE record_id = $1 ORDER BY id', [a.leadId]);
    expect(rows).toEqual([
      { event: 'create', from_state: null, to_state: 'INITIATED', actor_id: 'anonymous' },
      { event: 'verify_mobile', from_state: 'INITIATED', to_state: 'MOBILE_VERIFIED', actor_id: `session:${a.leadId}` },
      { event: 'submit_pan', from_state: 'MOBILE_VERIFIED', to_state: 'PAN_SUBMITTED', actor_id: `session:${a.leadId}` },
    ]);
    const [lead1] = await sql<{ data: { panNumber: string } }>('SELECT data FROM records WHERE id = $1', [a.leadId]);
    expect(lead1!.data.panNumber).toBe('ABCDE1234F');
    // The lead keeps the PAN; the timeline shows its last four characters (mask: true).
    const [move] = await sql<{ input: Record<string, string> }>("SELECT input FROM timeline_entries WHERE record_id = $1 AND event = 'submit_pan'", [a.leadId]);
    expect(move!.input).toEqual({ panNumber: '******234F', nameOnPan: 'JOHN DOE' });
    const timeline = await s.request.get(`/ekyc/api/v1/leads/${a.leadId}/transitions`).set('authorization', `Bearer ${a.token}`);
    expect(JSON.stringify(timeline.body)).not.toContain('ABCDE1234F');
    // The move's audit entry too.
    const [audit] = await sql<{ after: { data: Record<string, unknown> } }>("SELECT after FROM audit_entries WHERE record_id = $1 AND action = 'transition' AND detail ->> 'event' = 'submit_pan'", [a.leadId]);
    expect(audit!.after.data.panNumber).toBe('******234F');
  });

  it('tells the four downstream consumers of every stage, with the lead id and never the PAN or the address', async () => {
    const a = await applicant();
    const id = a.leadId;
    await verifyOtp(a, '1234');
    await submitPan(a);
    await submitAddress(a);
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
    const a = await applicant();
    await verifyOtp(a, '1234');
    const res = await a.step('pan/submit', { panNumber: 'NOTAPAN', nameOnPan: 'X Y' });
    expect(res.status).toBe(400);
    // The step's input declares its own error code, as the signup's fields do.
    expect(res.body.error.code).toBe('FE_PAN_INVALID');
    expect(res.body.error.details).toEqual([{ path: '$.panNumber', message: 'Must be a valid pan' }]);
  });
});

describe('eKYC stage 1: another code (resend)', () => {
  type Applicant = Awaited<ReturnType<typeof applicant>>;
  const resend = (a: Applicant) => a.step('registration/resend-otp');
  const verifyOtp = (a: Applicant, otp: string) => a.step('registration/verify-otp', { otp });
  const smsTo = async (m: string) => (await sql<{ n: number }>("SELECT count(*)::int AS n FROM outbox_messages WHERE channel = 'sms' AND recipient = $1", [m]))[0]!.n;
  const later = (ms: number) => void (s.clock.now = new Date(s.clock.now.getTime() + ms));

  it('sends a new code within the policy (3 resends in 15 minutes), then 429 with Retry-After storing nothing, and again once the window moves', async () => {
    const m = nextMobile();
    const a = await applicant(m);
    const leadId = a.leadId;
    for (let i = 0; i < 3; i++) {
      const again = await resend(a);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body).toMatchObject({ success: true, data: { leadId, state: 'INITIATED' }, journeyStatus: { currentStage: 1, currentState: 'INITIATED' } });
    }
    const limited = await resend(a);
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
    // The token from the last step is past its 30 minutes only if no step came in between: the last resend was 15 minutes ago.
    expect((await resend(a)).status).toBe(200);
    expect((await verifyOtp(a, '1234')).body.data).toEqual({ leadId, state: 'MOBILE_VERIFIED' });
    // Past stage 1 there is no code to resend.
    expect((await resend(a)).status).toBe(422);
  });

  it('lets an applicant whose code expired, or locked after 5 wrong tries, ask for another and go on with it', async () => {
    const expiredLead = await applicant();
    later(5 * 60_000 + 1000);
    const expired = await verifyOtp(expiredLead, '1234');
    expect(expired.body.error.code).toBe('OTP_EXPIRED');
    expect((await resend(expiredLead)).status).toBe(200);
    expect((await verifyOtp(expiredLead, '1234')).status).toBe(200);

    const lockedLead = await applicant();
    for (let i = 0; i < 5; i++) expect((await verifyOtp(lockedLead, '9999')).status).toBe(401);
    const locked = await verifyOtp(lockedLead, '1234');
    expect(locked.status).toBe(423);
    expect((await resend(lockedLead)).status).toBe(200);
    const after = await verifyOtp(lockedLead, '1234');
    expect(after.body.data, JSON.stringify(after.body)).toEqual({ leadId: lockedLead.leadId, state: 'MOBILE_VERIFIED' });
  });

  it('is the same move on the generic route, for the public role only as its permissions say', async () => {
    const a = await applicant();
    const generic = await s.request.post(`/v1/apps/ekyc/records/lead/${a.leadId}/events/resend_mobile_otp`).set('authorization', `Bearer ${a.token}`).send({});
    expect(generic.status, JSON.stringify(generic.body)).toBe(200);
    expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM otp_challenges WHERE subject = $1', [a.leadId]))[0]!.n).toBe(2);
    expect((await s.request.post(`/v1/apps/ekyc/records/lead/${a.leadId}/events/resend_mobile_otp`).send({})).status).toBe(401);
  });
});

describe('eKYC PAN verification (the development fixtures: digits 0000 no such PAN, 9999 registered under another name)', () => {
  const panSubmit = (a: Awaited<ReturnType<typeof applicant>>, pan: string, name = 'JOHN DOE') => a.step('pan/submit', { panNumber: pan, nameOnPan: name });
  async function verifiedMobile() {
    const a = await applicant();
    expect((await a.step('registration/verify-otp', { otp: '1234' })).status).toBe(200);
    return a;
  }
  const evidence = (leadId: string) =>
    sql<{ outcome: string; provider: string | null; subject: Record<string, string>; check: string; reference: string; evidence: Record<string, unknown> }>(
      'SELECT outcome, provider, subject, "check", reference, evidence FROM verifications WHERE record_id = $1 ORDER BY at, reference',
      [leadId],
    );

  it('verifies the PAN before the move: the registered name kept on the lead, the call kept as evidence with the PAN masked, and audited', async () => {
    const a = await verifiedMobile();
    const res = await panSubmit(a, 'ABCDE1234F', 'John Doe');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.state).toBe('PAN_SUBMITTED');
    const [lead] = await sql<{ data: Record<string, string> }>('SELECT data FROM records WHERE id = $1', [a.leadId]);
    expect(lead!.data.panRegisteredName).toBe('JOHN DOE');
    expect(await evidence(a.leadId)).toEqual([
      { outcome: 'verified', provider: 'fixtures', check: 'pan', reference: `${a.leadId}:submit_pan:1`, subject: { pan: '******234F', name: 'John Doe' }, evidence: expect.objectContaining({ source: 'development fixtures' }) },
    ]);
    const audit = await sql<{ action: string; outcome: string; detail: Record<string, unknown> }>("SELECT action, outcome, detail FROM audit_entries WHERE record_id = $1 AND action = 'verification'", [a.leadId]);
    expect(audit).toEqual([{ action: 'verification', outcome: 'accepted', detail: expect.objectContaining({ check: 'pan', outcome: 'verified', provider: 'fixtures', subject: { pan: '******234F', name: 'John Doe' } }) }]);
    expect(JSON.stringify(audit)).not.toContain('ABCDE1234F');
  });

  it('refuses a PAN registered under another name, or none, with its BE_ code, counting each attempt and storing nothing else', async () => {
    const a = await verifiedMobile();
    const mismatch = await panSubmit(a, 'ABCDE9999F');
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error).toMatchObject({ code: 'BE_PAN_NAME_MISMATCH', message: 'The name does not match the one the PAN is registered under', data: { outcome: 'mismatch', attempt: 1, attemptsLeft: 2 } });
    const invalid = await panSubmit(a, 'ABCDE0000F');
    expect(invalid.status).toBe(422);
    expect(invalid.body.error).toMatchObject({ code: 'BE_PAN_NOT_FOUND', data: { outcome: 'invalid', attempt: 2, attemptsLeft: 1 } });
    const [lead] = await sql<{ state: string; version: number; data: Record<string, unknown> }>('SELECT state, version, data FROM records WHERE id = $1', [a.leadId]);
    expect(lead).toMatchObject({ state: 'MOBILE_VERIFIED', version: 2 });
    expect(lead!.data.panNumber).toBeUndefined();
    expect((await evidence(a.leadId)).map((e) => [e.outcome, e.subject.pan])).toEqual([['mismatch', '******999F'], ['invalid', '******000F']]);
    // Each failed verification is in the audit chain as a refusal.
    const refused = await sql<{ outcome: string; detail: { outcome: string } }>("SELECT outcome, detail FROM audit_entries WHERE record_id = $1 AND action = 'verification' ORDER BY at, id", [a.leadId]);
    expect(refused.map((r) => [r.outcome, r.detail.outcome])).toEqual([['refused', 'mismatch'], ['refused', 'invalid']]);
    // A right PAN at the third try goes on.
    expect((await panSubmit(a, 'ABCDE1234F')).body.data.state).toBe('PAN_SUBMITTED');
  });

  it('sends the lead to manual review at the third failed verification; operations approve it or send it back, and the count starts afresh', async () => {
    const a = await verifiedMobile();
    expect((await panSubmit(a, 'ABCDE9999F')).status).toBe(422);
    expect((await panSubmit(a, 'ABCDE9999F')).status).toBe(422);
    const third = await panSubmit(a, 'ABCDE9999F');
    expect(third.status, JSON.stringify(third.body)).toBe(200);
    expect(third.body).toMatchObject({ data: { state: 'PAN_REVIEW' }, journeyStatus: { currentStage: 2, currentState: 'PAN_REVIEW' } });
    // Operations review the PAN as submitted: it is kept on the lead.
    expect((await sql<{ data: Record<string, string> }>('SELECT data FROM records WHERE id = $1', [a.leadId]))[0]!.data).toMatchObject({ panNumber: 'ABCDE9999F', nameOnPan: 'JOHN DOE' });
    // Under review, no later step opens, and the review move is never the applicant's to ask for.
    expect((await a.step('address/submit', { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' })).status).toBe(409);
    const b = await verifiedMobile();
    const asked = await s.request.post(`/v1/apps/ekyc/records/lead/${b.leadId}/events/pan_to_review`).set('authorization', `Bearer ${b.token}`).send({});
    expect(asked.status).toBe(422);
    const events = await sql<{ payload: { type: string } }>("SELECT payload FROM outbox_messages WHERE channel = 'event' AND payload ->> 'key' = $1 AND payload ->> 'type' = 'PAN_REVIEW'", [a.leadId]);
    expect(events).toHaveLength(4);

    // Signed in now (the test clock has moved past tokens made earlier in this file).
    const login = await s.request.post('/v1/apps/ekyc/auth/login').send({ email: 'ops@ekyc.test', password: 'demo1234' });
    const ops = { authorization: `Bearer ${login.body.data.accessToken}` };
    const back = await s.request.post(`/v1/apps/ekyc/records/lead/${a.leadId}/events/return_pan`).set(ops).send({});
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.data.state).toBe('MOBILE_VERIFIED');
    // Sent back, the applicant has three attempts again.
    const again = await panSubmit(a, 'ABCDE9999F');
    expect(again.body.error.data).toMatchObject({ attempt: 1, attemptsLeft: 2 });
    expect((await panSubmit(a, 'ABCDE1234F')).body.data.state).toBe('PAN_SUBMITTED');
  });
});

describe('eKYC stage 4: the address by Aadhaar offline e-KYC (the development fixtures: 0000 no such Aadhaar, 9999 no linked mobile, code 123456)', () => {
  type Applicant = Awaited<ReturnType<typeof applicant>>;
  async function atAddressStep() {
    const a = await applicant();
    expect((await a.step('registration/verify-otp', { otp: '1234' })).status).toBe(200);
    expect((await a.step('pan/submit', { panNumber: 'ABCDE1234F', nameOnPan: 'John Doe' })).status).toBe(200);
    return a;
  }
  const requestCode = (a: Applicant, aadhaarNumber: string) => a.step('address/aadhaar/otp', { aadhaarNumber });
  const lead = async (id: string) => (await sql<{ state: string; version: number; data: Record<string, unknown> }>('SELECT state, version, data FROM records WHERE id = $1', [id]))[0]!;
  /** Every row, in every table the engine writes, whose text holds `value`. */
  async function tablesHolding(value: string) {
    const tables = ['records', 'record_keys', 'record_fingerprints', 'timeline_entries', 'audit_entries', 'outbox_messages', 'verifications', 'pending_verifications', 'idempotency_keys', 'otp_challenges'];
    const found: Record<string, number> = {};
    for (const t of tables) {
      const [row] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} AS t WHERE t::text LIKE $1`, [`%${value}%`]);
      if (row!.n) found[t] = row!.n;
    }
    return found;
  }

  it('takes the address from the e-KYC: a code sent under a reference the lead keeps, the address set from what UIDAI answered, told to the four consumers', async () => {
    const a = await atAddressStep();
    const sent = await requestCode(a, '234567891234');
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toMatchObject({ data: { leadId: a.leadId, state: 'AADHAAR_OTP_SENT' }, journeyStatus: { currentStage: 3, currentState: 'AADHAAR_OTP_SENT', progressPercent: 19 } });
    expect((await lead(a.leadId)).data).toMatchObject({ aadhaarKycReference: 'fixtures-okyc-1234' });
    const done = await a.step('address/aadhaar/verify', { otp: '123456' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ data: { state: 'ADDRESS_SUBMITTED' }, journeyStatus: { currentStage: 4, progressPercent: 25 } });
    expect((await lead(a.leadId)).data).toMatchObject({ addressLine: '12, MG Road, Camp', city: 'Pune', addressState: 'Maharashtra', pinCode: '411001', aadhaarName: 'JOHN DOE', addressSource: 'aadhaar_okyc' });
    const events = await sql<{ recipient: string; payload: { payload: unknown } }>("SELECT recipient, payload FROM outbox_messages WHERE channel = 'event' AND payload ->> 'key' = $1 AND payload ->> 'type' = 'ADDRESS_SUBMITTED' ORDER BY recipient", [a.leadId]);
    expect(events.map((e) => [e.recipient, e.payload.payload])).toEqual(['CDP', 'CLEVERTAP', 'DATALAKE', 'ZOHO_CRM'].map((r) => [r, { leadId: a.leadId }]));
    const checks = await sql<{ check: string; outcome: string; subject: Record<string, string> }>('SELECT "check", outcome, subject FROM verifications WHERE record_id = $1 AND "check" LIKE $2 ORDER BY at', [a.leadId, 'aadhaar%']);
    // The evidence keeps the Aadhaar and the spent code masked.
    expect(checks).toEqual([
      { check: 'aadhaarOtp', outcome: 'verified', subject: { aadhaar: '********1234' } },
      { check: 'aadhaarKyc', outcome: 'verified', subject: { reference: 'fixtures-okyc-1234', otp: '**3456' } },
    ]);
  });

  it('never stores the Aadhaar number: not on the lead, in the timeline, the audit, the outbox, nor the verification evidence', async () => {
    const a = await atAddressStep();
    const aadhaar = '276543218765';
    expect((await requestCode(a, '276543210000')).status).toBe(422); // a refused one too
    expect((await requestCode(a, aadhaar)).status).toBe(200);
    expect((await a.step('address/aadhaar/verify', { otp: '123456' })).status).toBe(200);
    expect((await lead(a.leadId)).state).toBe('ADDRESS_SUBMITTED');
    expect(await tablesHolding(aadhaar)).toEqual({});
    expect(await tablesHolding('276543210000')).toEqual({});
    // The search finds what is stored: the PAN, which the lead keeps.
    expect(await tablesHolding('ABCDE1234F')).toHaveProperty('records');
    // The evidence is there, masked; the timeline has the moves, without the number.
    expect((await sql<{ n: number }>("SELECT count(*)::int AS n FROM verifications WHERE record_id = $1 AND subject ->> 'aadhaar' = '********8765'", [a.leadId]))[0]!.n).toBe(1);
    const moves = await sql<{ event: string; input: Record<string, unknown> | null }>("SELECT event, input FROM timeline_entries WHERE record_id = $1 AND event IN ('request_aadhaar_otp', 'submit_aadhaar_otp')", [a.leadId]);
    expect(moves).toEqual([{ event: 'request_aadhaar_otp', input: null }, { event: 'submit_aadhaar_otp', input: null }]);
    const read = await s.request.get(`/ekyc/api/v1/leads/${a.leadId}/transitions`).set('authorization', `Bearer ${a.token}`);
    expect(JSON.stringify(read.body)).not.toContain(aadhaar);
  });

  it('refuses an Aadhaar that is not 12 digits, or none, with FE_AADHAAR_INVALID, before any vendor is asked', async () => {
    const a = await atAddressStep();
    for (const bad of ['12345678901', '1234567890123', '123456789012', 'ABCD56789012']) {
      const res = await requestCode(a, bad);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'FE_AADHAAR_INVALID', details: [{ path: '$.aadhaarNumber' }] });
    }
    const missing = await a.step('address/aadhaar/otp', {});
    expect(missing.body.error).toMatchObject({ code: 'FE_AADHAAR_INVALID', details: [{ path: '$.aadhaarNumber', message: 'Required for this step' }] });
    expect(await sql('SELECT 1 FROM verifications WHERE record_id = $1 AND "check" = $2', [a.leadId, 'aadhaarOtp'])).toEqual([]);
    expect(await tablesHolding('ABCD56789012')).toEqual({});
  });

  it('refuses an Aadhaar with no linked mobile (BE_AADHAAR_NO_MOBILE) or none such (BE_AADHAAR_NOT_FOUND), counted; the third closes the Aadhaar path and the typed address goes on', async () => {
    const a = await atAddressStep();
    const noMobile = await requestCode(a, '234567899999');
    expect(noMobile.status).toBe(422);
    expect(noMobile.body.error).toMatchObject({ code: 'BE_AADHAAR_NO_MOBILE', data: { outcome: 'mismatch', attempt: 1, attemptsLeft: 2 } });
    const none = await requestCode(a, '234567890000');
    expect(none.body.error).toMatchObject({ code: 'BE_AADHAAR_NOT_FOUND', data: { outcome: 'invalid', attempt: 2, attemptsLeft: 1 } });
    expect(await lead(a.leadId)).toMatchObject({ state: 'PAN_SUBMITTED', version: 3 });
    const third = await requestCode(a, '234567890000');
    expect(third.status, JSON.stringify(third.body)).toBe(200);
    expect(third.body).toMatchObject({ data: { state: 'ADDRESS_MANUAL' }, journeyStatus: { currentStage: 3, currentState: 'ADDRESS_MANUAL', progressPercent: 19 } });
    expect((await lead(a.leadId)).data).not.toHaveProperty('aadhaarKycReference');
    // Closed: no more Aadhaar codes for this lead; the typed address is the way on.
    expect((await requestCode(a, '234567891234')).status).toBe(422);
    const typed = await a.step('address/submit', { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' });
    expect(typed.body.data?.state, JSON.stringify(typed.body)).toBe('ADDRESS_SUBMITTED');
    expect((await lead(a.leadId)).data).toMatchObject({ addressSource: 'manual', addressLine: '12 MG Road' });
  });

  it('refuses a wrong code with BE_AADHAAR_OTP_INVALID and a missing one as invalid input; a new code (asked again) goes on', async () => {
    const a = await atAddressStep();
    expect((await requestCode(a, '234567891234')).status).toBe(200);
    const wrong = await a.step('address/aadhaar/verify', { otp: '654321' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'BE_AADHAAR_OTP_INVALID', message: 'The code is wrong or has expired; ask for a new one', data: { outcome: 'invalid', attempt: 1, attemptsLeft: 2 } });
    const missing = await a.step('address/aadhaar/verify', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '$.otp' }] });
    // Another code: the same move again, from where the lead waits.
    const again = await requestCode(a, '234567895678');
    expect(again.body.data?.state, JSON.stringify(again.body)).toBe('AADHAAR_OTP_SENT');
    expect((await lead(a.leadId)).data).toMatchObject({ aadhaarKycReference: 'fixtures-okyc-5678' });
    expect((await a.step('address/aadhaar/verify', { otp: '123456' })).body.data?.state).toBe('ADDRESS_SUBMITTED');
  });

  it('keeps the typed address as the fallback while a code is out (no linked mobile after all), recording where the address came from', async () => {
    const a = await atAddressStep();
    expect((await requestCode(a, '234567891234')).status).toBe(200);
    const typed = await a.step('address/submit', { addressLine: '7 FC Road', city: 'Pune', pinCode: '411004' });
    expect(typed.body.data?.state, JSON.stringify(typed.body)).toBe('ADDRESS_SUBMITTED');
    expect((await lead(a.leadId)).data).toMatchObject({ addressLine: '7 FC Road', addressSource: 'manual' });
    // The code sent is no way in any more: the stage is done.
    expect((await a.step('address/aadhaar/verify', { otp: '123456' })).status).toBe(422);
  });

  it('waits for the PAN (stage 3) before sending any code', async () => {
    const a = await applicant();
    await a.step('registration/verify-otp', { otp: '1234' });
    const early = await requestCode(a, '234567891234');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'STAGE_NOT_REACHED', data: { requiredStage: 3, currentStage: 2 } });
  });
});

const upload = (leadId: string, token: string, slot: string, name = `${slot}.png`) =>
  s.request.post(`/v1/apps/ekyc/records/lead/${leadId}/files/${slot}`).set('authorization', `Bearer ${token}`).attach('file', PNG, name);

describe('eKYC: one applicant through every stage over HTTP (development providers)', () => {
  it('goes from signup to an approved account, each stage gated, answered with its journeyStatus, and told to the four consumers', async () => {
    const a = await applicant();
    const stages: [string, Record<string, unknown>, string, number, number][] = [
      ['registration/verify-otp', { otp: '1234' }, 'MOBILE_VERIFIED', 2, 13],
      ['pan/submit', { panNumber: 'ABCDE1234F', nameOnPan: 'John Doe' }, 'PAN_SUBMITTED', 3, 19],
      ['address/aadhaar/otp', { aadhaarNumber: '234567891234' }, 'AADHAAR_OTP_SENT', 3, 19],
      ['address/aadhaar/verify', { otp: '123456' }, 'ADDRESS_SUBMITTED', 4, 25],
      ['email/submit', { email: 'john.doe@example.in' }, 'EMAIL_OTP_SENT', 4, 25],
      ['email/verify-otp', { otp: '123456' }, 'EMAIL_VERIFIED', 5, 31],
      ['personal-details/submit', { dateOfBirth: '1990-04-12', gender: 'male', maritalStatus: 'single', occupation: 'salaried', annualIncome: '5l_10l' }, 'PERSONAL_DETAILS', 6, 38],
      ['bank-account/submit', { bankAccountNumber: '026291800001191', ifsc: 'YESB0000262' }, 'BANK_VERIFIED', 7, 44],
      ['plan/submit', { segments: ['equity', 'fno'], plan: 'pro' }, 'PLAN_SELECTED', 8, 50],
      ['nominees/submit', { nominees: [{ name: 'Jane Doe', relation: 'spouse', sharePercent: 100 }] }, 'NOMINEES_ADDED', 9, 56],
      ['income-proof/submit', {}, 'INCOME_PROOF_SUBMITTED', 10, 63],
      ['selfie/submit', {}, 'SELFIE_SUBMITTED', 11, 69],
      ['signature/submit', {}, 'SIGNATURE_SUBMITTED', 12, 75],
      ['declarations/submit', { taxResidentOutsideIndia: false, politicallyExposed: false, declarationsAccepted: true }, 'DECLARATIONS_SIGNED', 13, 81],
      ['esign/request', {}, 'ESIGN_OTP_SENT', 13, 81],
      ['esign/confirm', { otp: '1234' }, 'ESIGNED', 14, 88],
      ['application/submit', {}, 'SUBMITTED', 15, 94],
    ];
    const slots: Record<string, string> = { 'income-proof/submit': 'income_proof', 'selfie/submit': 'selfie', 'signature/submit': 'signature' };
    for (const [path, body, state, stage, progress] of stages) {
      // A document stage: refused until its file is uploaded to the lead (with the journey token).
      if (slots[path]) {
        const early = await a.step(path, body);
        expect(early.status).toBe(400);
        expect(early.body.error.details).toEqual([{ path: `$.files.${slots[path]}`, message: 'A document is required in this slot before this step' }]);
        expect((await upload(a.leadId, a.token, slots[path]!)).status).toBe(201);
      }
      const res = await a.step(path, body);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body).toMatchObject({ success: true, data: { leadId: a.leadId, state }, journeyStatus: { currentStage: stage, currentState: state, progressPercent: progress } });
    }
    // A stage asked for again, or out of turn, is refused; the token is still needed.
    expect((await a.step('plan/submit', { segments: ['equity'], plan: 'basic' })).status).toBe(422);
    expect((await a.step('application/submit', {}, null)).status).toBe(401);

    const login = await s.request.post('/v1/apps/ekyc/auth/login').send({ email: 'ops@ekyc.test', password: 'demo1234' });
    const ops = { authorization: `Bearer ${login.body.data.accessToken}` };
    // The applicant cannot approve itself (the move is the ops role's); operations can.
    const self = await s.request.post(`/ekyc/api/v1/leads/${a.leadId}/approve`).set('authorization', `Bearer ${a.token}`).send({});
    expect(self.status).toBe(422);
    expect(self.body.error.code).toBe('INVALID_TRANSITION');
    const approved = await s.request.post(`/ekyc/api/v1/leads/${a.leadId}/approve`).set(ops).send({});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ data: { state: 'APPROVED' }, journeyStatus: { currentStage: 16, progressPercent: 100 } });

    const [lead] = await sql<{ state: string; data: Record<string, unknown> }>('SELECT state, data FROM records WHERE id = $1', [a.leadId]);
    expect(lead).toMatchObject({ state: 'APPROVED', data: { email: 'john.doe@example.in', bankAccountNumber: '026291800001191', bankHolderName: 'JOHN DOE', plan: 'pro', segments: ['equity', 'fno'], politicallyExposed: false, addressSource: 'aadhaar_okyc', addressLine: '12, MG Road, Camp', pinCode: '411001' } });
    // Every stage's move is in the timeline; the bank account and the PAN only masked there.
    const moves = await sql<{ event: string; input: Record<string, unknown> | null }>("SELECT event, input FROM timeline_entries WHERE record_id = $1 AND outcome = 'accepted' ORDER BY id", [a.leadId]);
    expect(moves.map((m) => m.event).filter((e) => !e.startsWith('file.'))).toEqual(['create', 'verify_mobile', 'submit_pan', 'request_aadhaar_otp', 'submit_aadhaar_otp', 'submit_email', 'verify_email', 'submit_personal_details', 'submit_bank_account', 'select_plan', 'submit_nominees', 'submit_income_proof', 'submit_selfie', 'submit_signature', 'submit_declarations', 'request_esign', 'sign_application', 'submit_application', 'approve']);
    expect(moves.find((m) => m.event === 'submit_bank_account')!.input).toEqual({ bankAccountNumber: '***********1191', ifsc: 'YESB0000262' });
    expect(JSON.stringify(moves)).not.toMatch(/ABCDE1234F|026291800001191|234567891234/);
    // Each stage told the four consumers.
    const events = await sql<{ type: string; n: number }>("SELECT payload ->> 'type' AS type, count(*)::int AS n FROM outbox_messages WHERE channel = 'event' AND payload ->> 'key' = $1 GROUP BY 1 ORDER BY 1", [a.leadId]);
    expect(events.every((e) => e.n === 4)).toBe(true);
    expect(events.map((e) => e.type).sort()).toEqual(['ACCOUNT_APPROVED', 'ADDRESS_SUBMITTED', 'APPLICATION_ESIGNED', 'APPLICATION_SUBMITTED', 'BANK_VERIFIED', 'DECLARATIONS_SUBMITTED', 'EMAIL_VERIFIED', 'INCOME_PROOF_SUBMITTED', 'LEAD_CREATED', 'MOBILE_VERIFIED', 'NOMINEES_SUBMITTED', 'PAN_SUBMITTED', 'PERSONAL_DETAILS_SUBMITTED', 'PLAN_SELECTED', 'SELFIE_SUBMITTED', 'SIGNATURE_SUBMITTED']);
    // The signed application form: a PDF rendered from the lead, kept in the blob store.
    expect(lead!.data.applicationForm).toMatchObject({ contentType: 'application/pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The documents are the lead's, for operations to review; another applicant's token cannot add one.
    const b = await applicant();
    expect((await upload(a.leadId, b.token, 'selfie')).status).toBe(403);
    // The email code went to the address given, by email.
    expect((await sql("SELECT 1 FROM outbox_messages WHERE channel = 'email' AND recipient = 'john.doe@example.in'")).length).toBe(1);
  });

  it('answers each stage input with its FE_ code, and a missing one too', async () => {
    const a = await applicant();
    for (const [path, body] of [
      ['registration/verify-otp', { otp: '1234' }],
      ['pan/submit', { panNumber: 'ABCDE1234F', nameOnPan: 'John Doe' }],
      ['address/submit', { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' }],
    ] as const) expect((await a.step(path, body)).status).toBe(200);
    expect((await a.step('email/submit', { email: 'not-an-email' })).body.error.code).toBe('FE_EMAIL_INVALID');
    const missing = await a.step('email/submit', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'FE_EMAIL_INVALID', details: [{ path: '$.email', message: 'Required for this step' }] });
    expect((await a.step('email/submit', { email: 'asha@example.in' })).status).toBe(200);
    expect((await a.step('email/verify-otp', { otp: '000000' })).body.error.code).toBe('OTP_INVALID');
    expect((await a.step('email/verify-otp', { otp: '123456' })).status).toBe(200);
    expect((await a.step('personal-details/submit', { dateOfBirth: '12-04-1990', gender: 'male', maritalStatus: 'single', occupation: 'salaried', annualIncome: '5l_10l' })).body.error.code).toBe('FE_DOB_INVALID');
    expect((await a.step('personal-details/submit', { dateOfBirth: '1990-04-12', gender: 'male', maritalStatus: 'single', occupation: 'salaried', annualIncome: '5l_10l' })).status).toBe(200);
    expect((await a.step('bank-account/submit', { bankAccountNumber: '12AB', ifsc: 'YESB0000262' })).body.error.code).toBe('FE_BANK_ACCOUNT_INVALID');
    expect((await a.step('bank-account/submit', { bankAccountNumber: '026291800001191', ifsc: 'YESB262' })).body.error.code).toBe('FE_IFSC_INVALID');
    // The bank names another holder (the fixtures' accounts ending 9999): BE_, counted.
    const other = await a.step('bank-account/submit', { bankAccountNumber: '026291809999', ifsc: 'YESB0000262' });
    expect(other.body.error).toMatchObject({ code: 'BE_BANK_NAME_MISMATCH', data: { attempt: 1, attemptsLeft: 2 } });
    expect((await a.step('bank-account/submit', { bankAccountNumber: '026291800000', ifsc: 'YESB0000262' })).body.error.code).toBe('BE_BANK_ACCOUNT_NOT_FOUND');
    expect((await a.step('bank-account/submit', { bankAccountNumber: '026291800001191', ifsc: 'YESB0000262' })).status).toBe(200);
    expect((await a.step('plan/submit', { segments: ['gold'], plan: 'pro' })).body.error.code).toBe('FE_SEGMENTS_INVALID');
    expect((await a.step('plan/submit', { segments: ['equity'], plan: 'pro' })).status).toBe(200);
    expect((await a.step('nominees/submit', { nominees: [{ name: 'J', relation: 'spouse', sharePercent: 100 }] })).body.error.code).toBe('FE_NOMINEE_INVALID');
    // Shares that do not add up to 100 %: refused, nothing stored (the lead stays at stage 8).
    const split = await a.step('nominees/submit', { nominees: [{ name: 'Jane Doe', relation: 'spouse', sharePercent: 60 }, { name: 'Ravi Doe', relation: 'child', sharePercent: 30 }] });
    expect(split.status).toBe(400);
    expect(split.body.error).toMatchObject({ code: 'FE_NOMINEE_SHARES_INVALID', details: [{ path: '$.nominees' }] });
    expect((await a.step('nominees/submit', { nominees: [{ name: 'Jane Doe', relation: 'spouse', sharePercent: 60 }, { name: 'Ravi Doe', relation: 'child', sharePercent: 50 }] })).body.error.code).toBe('FE_NOMINEE_SHARES_INVALID');
    expect((await a.step('nominees/submit', { nominees: [] })).status).toBe(200);
    expect((await a.step('income-proof/submit', {})).body.error.code).toBe('FE_INCOME_PROOF_REQUIRED');
    // A program named .png is no image: refused from its bytes.
    expect((await s.request.post(`/v1/apps/ekyc/records/lead/${a.leadId}/files/selfie`).set('authorization', `Bearer ${a.token}`).attach('file', Buffer.from('MZ\x90\x00 not an image'), 'selfie.png')).status).toBe(415);
    for (const [slot, path] of [['income_proof', 'income-proof/submit'], ['selfie', 'selfie/submit'], ['signature', 'signature/submit']] as const) {
      expect((await upload(a.leadId, a.token, slot)).status).toBe(201);
      expect((await a.step(path, {})).status).toBe(200);
    }
    expect((await a.step('declarations/submit', { taxResidentOutsideIndia: false, politicallyExposed: false, declarationsAccepted: false })).body.error.code).toBe('FE_DECLARATION_REQUIRED');
    expect((await a.step('declarations/submit', { taxResidentOutsideIndia: false, politicallyExposed: false })).body.error.code).toBe('FE_DECLARATION_REQUIRED');
  });
});
