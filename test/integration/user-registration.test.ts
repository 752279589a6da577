// Self-registration with approval (Solarium: CPs and customers register, admins approve, §4.7 "SMS
// for registration approvals"): a pending user cannot sign in or refresh; approval lets them, with an
// SMS through the outbox; rejection keeps them out; only approvers decide; privileged roles never;
// a taken phone or email is answered as a new one; a flood costs 429s, not SMS.
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../support/sql.ts';
import { DEFINITIONS_DIR, startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
const G = '/v1/apps/solarium';
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });
const advance = (ms: number) => (s.clock.now = new Date(s.clock.now.getTime() + ms));
let nextPhone = 9400000000;
const freshPhone = () => String(nextPhone++);

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const codeFor = async (phone: string) => {
  const res = await s.request.post('/solarium/auth/register/otp').send({ phone });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.otpId as string;
};
/** Registers through the seed-style alias: a code to the phone, then the registration with it. */
async function register(fields: Record<string, unknown> & { phone: string }) {
  const otpId = await codeFor(fields.phone);
  return s.request.post('/solarium/auth/register').send({ role: 'cp', displayName: 'Rhea Registrant', otpId, code: '123456', ...fields });
}
const userByPhone = async (phone: string) => (await sql<{ id: string; status: string; active: boolean; role: string; status_reason: string | null }>('SELECT id, status, active, role, status_reason FROM users WHERE app = $1 AND phone = $2', ['solarium', phone]))[0];
const passwordLogin = (email: string, password: string) => s.request.post('/solarium/auth/login').send({ email, password });
const phoneLogin = async (phone: string) => {
  const req = await s.request.post('/solarium/auth/otp/request').send({ phone });
  const login = await s.request.post('/solarium/auth/login').send({ phone, otp: '123456' });
  return { req, login };
};
const withoutTrace = (body: Record<string, unknown>) => ({ ...body, traceId: undefined });

describe('self-registration', () => {
  it('creates a pending user (202) who cannot sign in by password or phone, nor refresh; answered as for no account', async () => {
    const phone = freshPhone();
    const res = await register({ phone, email: 'rhea@partners.test', password: 'rhea-password', attributes: { company: 'Sun Co', city: 'Pune' } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ success: true, data: { status: 'pending' } });
    const u = await userByPhone(phone);
    expect(u).toMatchObject({ status: 'pending', active: false, role: 'cp' });

    // Password: the same answer as a wrong password of an unknown email.
    const pending = await passwordLogin('rhea@partners.test', 'rhea-password');
    const unknown = await passwordLogin('nobody@partners.test', 'rhea-password');
    expect(pending.status).toBe(401);
    expect(withoutTrace(pending.body)).toEqual(withoutTrace(unknown.body));
    // Phone: no code for a pending account, and a sign-in reads as a wrong code — as for an unknown phone.
    const p = await phoneLogin(phone);
    const n = await phoneLogin(freshPhone());
    expect([p.req.status, p.login.status]).toEqual([404, 401]);
    expect(withoutTrace(p.req.body)).toEqual(withoutTrace(n.req.body));
    expect(withoutTrace(p.login.body)).toEqual(withoutTrace(n.login.body));
    // Refresh: even a token minted for the account (by a bug, a restore) makes no session while pending.
    const secret = 'A'.repeat(43);
    const tokenId = randomUUID();
    await sql('INSERT INTO refresh_tokens (id, app, user_id, family_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      tokenId, 'solarium', u!.id, randomUUID(), createHash('sha256').update(secret).digest('hex'), new Date(s.clock.now.getTime() + 3_600_000), s.clock.now,
    ]);
    const refreshed = await s.request.post('/solarium/auth/refresh').send({ refreshToken: `${tokenId}.${secret}` });
    expect(refreshed.status).toBe(401);

    const [audit] = await sql<{ action: string; after: Record<string, unknown> }>("SELECT action, after FROM audit_entries WHERE entity = '_users' AND record_id = $1", [u!.id]);
    expect(audit).toMatchObject({ action: 'registration.create', after: { status: 'pending', role: 'cp', proven: 'phone', attributes: { company: 'Sun Co', city: 'Pune' } } });
    expect(JSON.stringify(audit)).not.toContain('rhea-password');
  });

  it('approval makes the user active with the role asked for: they sign in, and get an SMS through the outbox (audited)', async () => {
    advance(16 * 60_000);
    const phone = freshPhone();
    expect((await register({ phone, role: 'customer', email: 'meena@customers.test', password: 'meena-password', displayName: 'Meena' })).status).toBe(202);
    const admin = await auth('admin@solarium.test');
    const listed = await s.request.get(`${G}/registrations`).set(admin);
    const reg = listed.body.data.find((u: { phone: string }) => u.phone === phone);
    expect(reg).toMatchObject({ status: 'pending', role: 'customer', active: false, displayName: 'Meena' });
    const approved = await s.request.post(`${G}/registrations/${reg.id}/approve`).set(admin).send({ remarks: 'Known customer' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.data).toMatchObject({ status: 'active', active: true, role: 'customer' });

    const session = await passwordLogin('meena@customers.test', 'meena-password');
    expect(session.status).toBe(200);
    expect(session.body.data.user.role).toBe('customer');
    advance(16 * 60_000);
    const byPhone = await phoneLogin(phone);
    expect(byPhone.login.status, JSON.stringify(byPhone.login.body)).toBe(200);
    const refreshed = await s.request.post('/solarium/auth/refresh').send({ refreshToken: byPhone.login.body.data.refreshToken });
    expect(refreshed.status).toBe(200);

    const sms = await sql<{ channel: string; recipient: string; payload: { body: string } }>("SELECT channel, recipient, payload FROM outbox_messages WHERE template = 'registration-approved-sms' AND recipient = $1", [phone]);
    expect(sms).toEqual([{ channel: 'sms', recipient: phone, payload: { to: phone, body: 'Meena, your Solarium Green Energy Customer account is approved. Sign in with this phone number.' } }]);
    const audit = await sql<{ action: string; actor_id: string; detail: unknown }>("SELECT action, actor_id, detail FROM audit_entries WHERE entity = '_users' AND record_id = $1 ORDER BY id", [reg.id]);
    expect(audit.map((a) => a.action)).toEqual(['registration.create', 'registration.approve']);
    expect(audit[1]).toMatchObject({ detail: { remarks: 'Known customer' } });
    // Decided once: a second approval, or a rejection after it, is a conflict.
    expect((await s.request.post(`${G}/registrations/${reg.id}/approve`).set(admin).send()).status).toBe(409);
    expect((await s.request.post(`${G}/registrations/${reg.id}/reject`).set(admin).send({ reason: 'late' })).status).toBe(409);
  });

  it('rejection with a reason keeps the user out for good; the phone stays taken, and registering it again is answered the same and stores nothing', async () => {
    advance(16 * 60_000);
    const phone = freshPhone();
    await register({ phone, email: 'spam@partners.test', password: 'spam-password' });
    const admin = await auth('admin@solarium.test');
    const { id } = (await userByPhone(phone))!;
    expect((await s.request.post(`${G}/registrations/${id}/reject`).set(admin).send({})).status).toBe(400);
    const rejected = await s.request.post(`${G}/registrations/${id}/reject`).set(admin).send({ reason: 'Not a channel partner' });
    expect(rejected.body.data).toMatchObject({ status: 'rejected', active: false, statusReason: 'Not a channel partner' });
    expect((await passwordLogin('spam@partners.test', 'spam-password')).status).toBe(401);
    expect((await s.request.get(`${G}/registrations?status=rejected`).set(admin)).body.data.map((u: { id: string }) => u.id)).toContain(id);
    // A user admin cannot switch it on either: a registration becomes an account only by approval.
    expect((await s.request.patch(`${G}/users/${id}`).set(admin).send({ active: true })).status).toBe(409);

    advance(16 * 60_000);
    const again = await register({ phone, email: 'other@partners.test', password: 'spam-password' });
    const taken = await register({ phone: '9100000003', email: 'cp1@solarium.test', password: 'whatever-pass' }); // demo CP's phone and email
    const fresh = await register({ phone: freshPhone(), email: 'fresh@partners.test' });
    for (const r of [again, taken, fresh]) expect([r.status, r.body.data, r.body.message]).toEqual([202, { status: 'pending' }, fresh.body.message]);
    expect((await sql('SELECT id FROM users WHERE app = $1 AND (phone = $2 OR email = $3)', ['solarium', phone, 'other@partners.test'])).length).toBe(1);
    expect(await userByPhone('9100000003')).toMatchObject({ status: 'active', role: 'cp' });
    const refusedAudit = await sql("SELECT id FROM audit_entries WHERE entity = '_users' AND action = 'registration.create' AND outcome = 'refused'");
    expect(refusedAudit.length).toBe(2);
  });

  it('lets only the approver role list and decide registrations (role by role), and no one without signing in', async () => {
    advance(16 * 60_000);
    const phone = freshPhone();
    await register({ phone });
    const { id } = (await userByPhone(phone))!;
    for (const email of ['kam@solarium.test', 'cp1@solarium.test', 'customer1@solarium.test']) {
      const as = await auth(email);
      expect((await s.request.get(`${G}/registrations`).set(as)).status, email).toBe(403);
      expect((await s.request.post(`${G}/registrations/${id}/approve`).set(as).send()).status, email).toBe(403);
      expect((await s.request.post(`${G}/registrations/${id}/reject`).set(as).send({ reason: 'x' })).status, email).toBe(403);
    }
    expect((await s.request.get(`${G}/registrations`)).status).toBe(401);
    expect((await s.request.post(`${G}/registrations/${id}/approve`).send()).status).toBe(401);
    expect(await userByPhone(phone)).toMatchObject({ status: 'pending', active: false });
    // An app that takes no registrations serves none of this.
    expect((await s.request.post('/v1/apps/promopartner/registrations').send({ role: 'store', displayName: 'x', phone })).status).toBe(404);
  });

  it('never registers a privileged role, nor one the app does not offer, nor a scope the registrant chooses', async () => {
    advance(16 * 60_000);
    for (const role of ['admin', 'kam', 'emperor']) {
      const res = await register({ phone: freshPhone(), role });
      expect(res.status, role).toBe(400);
      expect(res.body.error.details[0].path).toBe('$.role');
    }
    const unknownField = await register({ phone: freshPhone(), attributes: { storeIds: ['S001'] } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.details[0].path).toBe('$.attributes.storeIds');
    expect((await sql("SELECT id FROM users WHERE app = 'solarium' AND status = 'pending' AND role <> 'cp' AND role <> 'customer'")).length).toBe(0);
  });

  it('requires the code sent to the phone: a wrong code, or one sent to another phone, stores nothing', async () => {
    advance(16 * 60_000);
    const phone = freshPhone();
    const otpId = await codeFor(phone);
    const wrong = await s.request.post('/solarium/auth/register').send({ role: 'cp', displayName: 'x', phone, otpId, code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('OTP_INVALID');
    const elsewhere = await s.request.post('/solarium/auth/register').send({ role: 'cp', displayName: 'x', phone: freshPhone(), otpId, code: '123456' });
    expect(elsewhere.status).toBe(401);
    const missing = await s.request.post('/solarium/auth/register').send({ role: 'cp', displayName: 'x', phone });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: { path: string }) => d.path)).toEqual(['$.otpId', '$.code']);
    expect(await userByPhone(phone)).toBeUndefined();
  });

  it('bounds a flood: codes per phone by the OTP policy, and codes per app per hour (429, no SMS)', async () => {
    advance(61 * 60_000);
    const phone = freshPhone();
    // login.otp.yaml: 3 resends per 15 minutes.
    const perPhone = [];
    for (let i = 0; i < 5; i++) perPhone.push((await s.request.post('/solarium/auth/register/otp').send({ phone })).status);
    expect(perPhone).toEqual([200, 200, 200, 200, 429]);
    advance(61 * 60_000);
    const before = (await sql<{ n: number }>("SELECT count(*)::int AS n FROM outbox_messages WHERE app = 'solarium' AND template = 'login-otp-sms'"))[0]!.n;
    const statuses: number[] = [];
    // perHour: 50 in solarium/app.yaml.
    for (let i = 0; i < 55; i++) statuses.push((await s.request.post(`${G}/registrations/otp`).send({ phone: freshPhone() })).status);
    expect(statuses.filter((x) => x === 200).length).toBe(50);
    expect(statuses.slice(50)).toEqual([429, 429, 429, 429, 429]);
    const after = (await sql<{ n: number }>("SELECT count(*)::int AS n FROM outbox_messages WHERE app = 'solarium' AND template = 'login-otp-sms'"))[0]!.n;
    expect(after - before).toBe(50);
    // An hour on, the app takes registrations again.
    advance(61 * 60_000);
    expect((await s.request.post(`${G}/registrations/otp`).send({ phone: freshPhone() })).status).toBe(200);
  });
});

describe('self-registration without a phone code', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-registration-'));
    cpSync(DEFINITIONS_DIR, dir, { recursive: true });
    const appFile = path.join(dir, 'solarium', 'app.yaml');
    writeFileSync(appFile, readFileSync(appFile, 'utf8').replace('  otp: login\n  fields:', '  fields:').replace('perHour: 50', 'perHour: 3'));
    t = await startTestServer({ definitionsDir: dir });
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('takes an email alone, and bounds pending registrations per app per hour (429)', async () => {
    const send = (i: number) => t.request.post(`${G}/registrations`).send({ role: 'customer', displayName: `Walk-in ${i}`, email: `walkin${i}@customers.test`, password: 'walk-in-password' });
    expect((await t.request.post(`${G}/registrations/otp`).send({ phone: '9500000000' })).status).toBe(404);
    expect((await t.request.post(`${G}/registrations`).send({ role: 'customer', displayName: 'No contact' })).status).toBe(400);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(i)).status);
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    const pending = await queryRows<{ n: number }>(t.databaseUrl, "SELECT count(*)::int AS n FROM users WHERE app = 'solarium' AND status = 'pending'");
    expect(pending[0]!.n).toBe(3);
    expect((await t.request.post(`${G}/auth/login`).send({ email: 'walkin0@customers.test', password: 'walk-in-password' })).status).toBe(401);
    t.clock.now = new Date(t.clock.now.getTime() + 61 * 60_000);
    expect((await send(9)).status).toBe(202);
  });
});
