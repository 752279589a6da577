// An applicant whose journey token expired goes on with a code to the mobile number they signed up
// with (the permission's session.resume): the 30-day duplicate check forbids signing up again.
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import { readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let mobile = 9123000000;
const nextMobile = () => String(mobile++);

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);
const later = (ms: number) => void (s.clock.now = new Date(s.clock.now.getTime() + ms));
const E = '/ekyc/api/v1';

const signup = (mobileNumber: string) => s.request.post(`${E}/registration/signup`).send({ mobileNumber, fullName: 'Asha Rao', consentTerms: true, consentBankAutoverify: false });
const askCode = (body: unknown) => s.request.post(`${E}/journey/resume`).send(body as object);
const resume = (body: unknown) => s.request.post(`${E}/journey/resume/verify`).send(body as object);
const smsTo = async (m: string) => (await sql<{ n: number }>("SELECT count(*)::int AS n FROM outbox_messages WHERE channel = 'sms' AND recipient = $1", [m]))[0]!.n;
const codesFor = async (leadId: string, policy: string) => (await sql<{ n: number }>('SELECT count(*)::int AS n FROM otp_challenges WHERE subject = $1 AND policy = $2', [leadId, policy]))[0]!.n;
/** The development code of the session-resume policy. */
const CODE = '123456';

/** A lead past its mobile code, whose token has then expired (31 minutes without a step). */
async function expiredApplicant(m = nextMobile()) {
  const created = await signup(m);
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const leadId = created.body.data.leadId as string;
  const verified = await s.request.post(`${E}/registration/verify-otp`).set('authorization', `Bearer ${created.headers['x-session-token']}`).send({ leadId, otp: '1234' });
  expect(verified.status).toBe(200);
  const token = verified.headers['x-session-token'] as string;
  later(31 * 60_000);
  return { mobile: m, leadId, token };
}

describe('eKYC: regaining an expired journey session by a code to the mobile number', () => {
  it('sends a code to the number the lead signed up with and answers a new token and the journey for it', async () => {
    const a = await expiredApplicant();
    const stale = await s.request.get(`${E}/journey/status`).set('authorization', `Bearer ${a.token}`);
    expect(stale.status).toBe(401);
    // Signing up again is what the duplicate check forbids: resuming is the way on.
    expect((await signup(a.mobile)).body.error.code).toBe('BE_REG_DUPLICATE');

    const smsBefore = await smsTo(a.mobile);
    const sent = await askCode({ mobileNumber: a.mobile });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.data).toEqual({ channels: ['sms'], expiresInSeconds: 300 });
    expect(await smsTo(a.mobile)).toBe(smsBefore + 1);
    // Its own message, saying what the code opens (never the signup's "Your OTP is").
    const [message] = await sql<{ template: string; body: string }>("SELECT template, payload->>'body' AS body FROM outbox_messages WHERE recipient = $1 ORDER BY created_at DESC LIMIT 1", [a.mobile]);
    expect(message).toMatchObject({ template: 'session-resume-sms', body: expect.stringContaining('Never share it') });

    const resumed = await resume({ mobileNumber: a.mobile, otp: CODE });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body.data).toMatchObject({ id: a.leadId, state: 'MOBILE_VERIFIED', allowedEvents: expect.arrayContaining(['submit_pan']) });
    expect(resumed.body.journeyStatus).toMatchObject({ currentStage: 2 });
    expect(resumed.headers['x-session-expires-in']).toBe('1800');
    const token = resumed.headers['x-session-token'] as string;
    // The new token opens the lead and its next step, as the signup's did, and is refreshed by it.
    const pan = await s.request.post(`${E}/pan/submit`).set('authorization', `Bearer ${token}`).send({ leadId: a.leadId, panNumber: 'ABCDE1234F', nameOnPan: 'ASHA RAO' });
    expect(pan.status, JSON.stringify(pan.body)).toBe(200);
    expect(pan.body.data).toEqual({ leadId: a.leadId, state: 'PAN_SUBMITTED' });
    expect((await s.request.get(`${E}/journey/status`).set('authorization', `Bearer ${pan.headers['x-session-token']}`)).status).toBe(200);

    // The code is spent (refused as any wrong code is); the session regained is audited, without the number.
    const again = await resume({ mobileNumber: a.mobile, otp: CODE });
    expect(again.status).toBe(401);
    expect(again.body.error).toEqual({ code: 'OTP_INVALID', message: expect.any(String) });
    const audit = await sql<{ action: string; outcome: string; role: string; detail: unknown }>("SELECT action, outcome, role, detail FROM audit_entries WHERE record_id = $1 AND action = 'session.resume' ORDER BY id", [a.leadId]);
    expect(audit).toEqual([
      { action: 'session.resume', outcome: 'accepted', role: 'applicant', detail: { by: 'mobileNumber', channel: 'sms', epoch: 1 } },
      { action: 'session.resume', outcome: 'refused', role: 'applicant', detail: { by: 'mobileNumber', channel: 'sms', refused: 'OTP_USED' } },
    ]);
    expect(JSON.stringify(audit)).not.toContain(a.mobile);
  });

  it('ends every token issued before: whoever signed up with the number, or holds an old token, is out', async () => {
    // Someone signs up with another person's number and keeps the token alive.
    const m = nextMobile();
    const taken = await signup(m);
    const leadId = taken.body.data.leadId as string;
    const theirs = taken.headers['x-session-token'] as string;
    expect((await s.request.get(`${E}/journey/status`).set('authorization', `Bearer ${theirs}`)).status).toBe(200);
    // The number's owner is told the number is registered, and resumes with the code sent to it.
    expect((await signup(m)).body.error.code).toBe('BE_REG_DUPLICATE');
    expect((await askCode({ mobileNumber: m })).status).toBe(200);
    const owner = await resume({ mobileNumber: m, otp: CODE });
    expect(owner.status).toBe(200);
    const refused = await s.request.get(`${E}/journey/status`).set('authorization', `Bearer ${theirs}`);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/resumed/);
    expect((await s.request.post(`${E}/registration/verify-otp`).set('authorization', `Bearer ${theirs}`).send({ leadId, otp: '1234' })).status).toBe(401);
    // The owner goes on: verifies the number with the signup's code, on their new token.
    const verified = await s.request.post(`${E}/registration/verify-otp`).set('authorization', `Bearer ${owner.headers['x-session-token']}`).send({ leadId, otp: '1234' });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    // The refreshed token keeps the new epoch: it works; a second resume ends it too.
    const refreshed = verified.headers['x-session-token'] as string;
    expect((await s.request.get(`${E}/journey/status`).set('authorization', `Bearer ${refreshed}`)).status).toBe(200);
    expect((await askCode({ mobileNumber: m })).status).toBe(200);
    expect((await resume({ mobileNumber: m, otp: CODE })).status).toBe(200);
    expect((await s.request.get(`${E}/journey/status`).set('authorization', `Bearer ${refreshed}`)).status).toBe(401);
  });

  it('answers a number no lead has as it answers a known one, sends nothing, and refuses any code for it alike', async () => {
    const m = nextMobile();
    const sent = await askCode({ mobileNumber: m });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ success: true, message: expect.any(String), data: { channels: ['sms'], expiresInSeconds: 300 } });
    expect(await smsTo(m)).toBe(0);
    const none = await resume({ mobileNumber: m, otp: CODE });
    expect(none.status).toBe(401);
    expect(none.body.error).toEqual({ code: 'OTP_INVALID', message: expect.any(String) });
    expect(none.headers['x-session-token']).toBeUndefined();
  });

  it('refuses a wrong code (401, counted, the same bare answer) and gives no token', async () => {
    const a = await expiredApplicant();
    expect((await askCode({ mobileNumber: a.mobile })).status).toBe(200);
    const wrong = await resume({ mobileNumber: a.mobile, otp: '999999' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: 'OTP_INVALID', message: expect.any(String) });
    expect(wrong.headers['x-session-token']).toBeUndefined();
    expect(await sql<{ n: number }>("SELECT count(*)::int AS n FROM otp_failures WHERE subject = $1 AND policy = 'session-resume'", [a.leadId])).toEqual([{ n: 1 }]);
    // Audited as a refused attempt on the lead, with why (the caller was told no more than "wrong code").
    expect(await sql("SELECT outcome, detail FROM audit_entries WHERE record_id = $1 AND action = 'session.resume' ORDER BY id", [a.leadId])).toEqual([
      { outcome: 'refused', detail: { by: 'mobileNumber', channel: 'sms', refused: 'OTP_INVALID' } },
    ]);
    expect((await resume({ mobileNumber: a.mobile, otp: CODE })).status).toBe(200);
  });

  it('sends at most the policy\'s codes (3 resends in 15 minutes), answering alike past it; the journey\'s own codes keep their counters', async () => {
    const m = nextMobile();
    const created = await signup(m);
    const leadId = created.body.data.leadId as string;
    for (let i = 0; i < 4; i++) expect((await askCode({ mobileNumber: m })).status).toBe(200);
    const past = await askCode({ mobileNumber: m });
    expect(past.status).toBe(200);
    expect(past.body.data).toEqual({ channels: ['sms'], expiresInSeconds: 300 });
    expect(await codesFor(leadId, 'session-resume')).toBe(4);
    expect(await smsTo(m)).toBe(5);
    // The signup's codes are the journey's: its resend is untouched by someone asking to resume.
    const own = await s.request.post(`${E}/registration/resend-otp`).set('authorization', `Bearer ${created.headers['x-session-token']}`).send({ leadId });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    later(15 * 60_000 + 1000);
    expect((await askCode({ mobileNumber: m })).status).toBe(200);
    expect(await codesFor(leadId, 'session-resume')).toBe(5);
  });

  it("locks the lead's resume codes after five wrong ones for a day — refused alike, nothing sent — without touching the journey's own code", async () => {
    const m = nextMobile();
    const created = await signup(m);
    const leadId = created.body.data.leadId as string;
    expect((await askCode({ mobileNumber: m })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await resume({ mobileNumber: m, otp: '000000' })).status).toBe(401);
    expect((await askCode({ mobileNumber: m })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await resume({ mobileNumber: m, otp: '000000' })).status).toBe(401);
    const locked = await resume({ mobileNumber: m, otp: CODE });
    expect(locked.status).toBe(401);
    expect(locked.body.error).toEqual({ code: 'OTP_INVALID', message: expect.any(String) });
    const before = await codesFor(leadId, 'session-resume');
    expect((await askCode({ mobileNumber: m })).status).toBe(200);
    expect(await codesFor(leadId, 'session-resume')).toBe(before);
    // The applicant who still has the signup's token and code goes on.
    const verified = await s.request.post(`${E}/registration/verify-otp`).set('authorization', `Bearer ${created.headers['x-session-token']}`).send({ leadId, otp: '1234' });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    later(24 * 60 * 60_000 + 1000);
    expect((await askCode({ mobileNumber: m })).status).toBe(200);
    expect((await resume({ mobileNumber: m, otp: CODE })).status).toBe(200);
  });

  it('opens the newest lead of the number once the window let it sign up again', async () => {
    const old = await expiredApplicant();
    later(31 * 86_400_000);
    const again = await signup(old.mobile);
    expect(again.status).toBe(200);
    expect((await askCode({ mobileNumber: old.mobile })).status).toBe(200);
    const resumed = await resume({ mobileNumber: old.mobile, otp: CODE });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body.data.id).toBe(again.body.data.leadId);
    // Its token is that lead's only.
    const other = await s.request.get(`/v1/apps/ekyc/records/lead/${old.leadId}`).set('authorization', `Bearer ${resumed.headers['x-session-token']}`);
    expect(other.status).toBe(403);
  });

  it('spends no code on a lead that no longer holds the number', async () => {
    const a = await expiredApplicant();
    expect((await askCode({ mobileNumber: a.mobile })).status).toBe(200);
    await sql("UPDATE records SET data = jsonb_set(data, '{mobileNumber}', '\"9000000001\"') WHERE id = $1", [a.leadId]);
    expect((await resume({ mobileNumber: a.mobile, otp: CODE })).body.error.code).toBe('OTP_INVALID');
    expect(await sql<{ n: number }>("SELECT count(*)::int AS n FROM otp_challenges WHERE subject = $1 AND policy = 'session-resume' AND consumed_at IS NOT NULL", [a.leadId])).toEqual([{ n: 0 }]);
  });

  it('validates the number as the signup does, and refuses anything else in the body', async () => {
    expect((await askCode({ mobileNumber: '12345' })).body.error.code).toBe('FE_REG_MOBILE_INVALID');
    expect((await askCode({})).status).toBe(400);
    expect((await askCode({ mobileNumber: '9876543210', leadId: 'x' })).status).toBe(400);
    expect((await askCode({ mobileNumber: '98765\u000043210' })).status).toBe(400);
    expect((await askCode([])).status).toBe(400);
    expect((await resume({ mobileNumber: '9876543210' })).status).toBe(400);
    expect((await resume({ mobileNumber: '9876543210', otp: '1234' })).status).toBe(400);
    expect((await resume({ mobileNumber: '9876543210', otp: { $gt: '' } })).status).toBe(400);
  });

  it('is the same on the generic routes, and described in /openapi.json as public calls, the second answering the token', async () => {
    const a = await expiredApplicant();
    expect((await s.request.post('/v1/apps/ekyc/sessions/lead/code').send({ mobileNumber: a.mobile })).status).toBe(200);
    const resumed = await s.request.post('/v1/apps/ekyc/sessions/lead').send({ mobileNumber: a.mobile, otp: CODE });
    expect(resumed.status).toBe(200);
    expect(resumed.body.data.id).toBe(a.leadId);
    expect(resumed.headers['x-session-token']).toBeTruthy();
    // No other app resumes sessions: its generic route is not served.
    expect((await s.request.post('/v1/apps/solarium/sessions/lead/code').send({ mobileNumber: a.mobile })).status).toBe(404);

    const doc = (await s.request.get('/openapi.json')).body;
    const code = doc.paths[`/ekyc/api/v1/journey/resume`].post;
    expect(code.security).toEqual([]);
    expect(code.requestBody.content['application/json'].schema.required).toEqual(['mobileNumber']);
    expect(code.responses['200'].headers ?? {}).not.toHaveProperty('X-Session-Token');
    expect(code.responses).not.toHaveProperty('429');
    const verify = doc.paths[`/ekyc/api/v1/journey/resume/verify`].post;
    expect(verify.requestBody.content['application/json'].schema).toMatchObject({ required: ['mobileNumber', 'otp'], properties: { otp: { pattern: '^[0-9]{6}$' } } });
    expect(verify.responses['200'].headers).toHaveProperty('X-Session-Token');
    expect(verify.responses['401']['x-error-codes']).toContain('OTP_INVALID');
  });
});

describe('session.resume at load', () => {
  const EKYC = path.resolve(import.meta.dirname, '../../definitions/ekyc');
  function problemsWith(resume: unknown, editPolicy?: (p: Record<string, unknown>) => void): string[] {
    const files = readDefinitionFiles(EKYC).files.map((f) => ({ ...f, content: structuredClone(f.content) }));
    const app = files.find((f) => f.file.endsWith('app.yaml'))!.content as { roles: Record<string, { permissions?: Record<string, { session?: Record<string, unknown> }> }> };
    app.roles.applicant!.permissions!.lead!.session!.resume = resume;
    if (editPolicy) editPolicy(files.find((f) => f.file.endsWith('session-resume.otp.yaml'))!.content as Record<string, unknown>);
    return compileAppFiles(files).problems.filter((p) => p.severity !== 'warning').map((p) => `${p.path} ${p.message}`);
  }

  it('accepts the shipped app, and refuses a dedupe rule or policy that does not exist, or a policy with two channels', () => {
    expect(problemsWith({ dedupe: 'mobile', otp: 'session-resume' })).toEqual([]);
    expect(problemsWith({ dedupe: 'email', otp: 'session-resume' })).toEqual([expect.stringContaining('Entity "lead" has no dedupe rule "email" ("mobile")')]);
    expect(problemsWith({ dedupe: 'mobile', otp: 'nope' })).toEqual([expect.stringContaining('OTP policy "nope" is not defined in this app')]);
    expect(
      problemsWith({ dedupe: 'mobile', otp: 'session-resume' }, (p) => {
        p.channels = ['sms', 'email'];
        p.templates = { sms: 'session-resume-sms', email: 'email-otp-email' };
      }),
    ).toEqual([expect.stringContaining('a resume code goes to the one value given, by one channel')]);
    // An email code to a mobile number cannot arrive.
    expect(
      problemsWith({ dedupe: 'mobile', otp: 'session-resume' }, (p) => {
        p.channels = ['email'];
        p.templates = { email: 'email-otp-email' };
      }),
    ).toEqual([expect.stringContaining('sends by email, but "mobileNumber" is not a field of format email')]);
    expect(problemsWith({ dedupe: 'mobile' }).join()).toContain('otp');
  });

  it('refuses a resume route on an entity whose session does not resume', () => {
    // No resume: the shipped routes journey/resume and journey/resume/verify serve nothing.
    const problems = problemsWith(undefined);
    expect(problems).toEqual([expect.stringMatching(/routes\[\d+\]\.operation No public role's session on lead records says "resume": sessions\.requestCode/), expect.stringMatching(/sessions\.resume has nothing to serve/)]);
  });
});
