// Users as data: an admin adds, re-scopes and deactivates users through the API; a deactivated user
// cannot sign in and their refresh tokens stop at once; every change is audited; other roles are refused.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/promopartner.ts';

let s: TestServer;
const G = '/v1/apps/solarium';
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });
const login = (email: string, password: string) => s.request.post(`${G}/auth/login`).send({ email, password });

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('users as data', () => {
  it('creates a user who can sign in at once; refuses a taken email, an unknown role and no way to sign in', async () => {
    const admin = await auth('admin@solarium.test');
    const created = await s.request.post(`${G}/users`).set(admin).send({ email: 'New.CP@solarium.test', role: 'cp', displayName: 'Nina CP', password: 'a-long-password' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({ email: 'new.cp@solarium.test', role: 'cp', displayName: 'Nina CP', active: true, hasPassword: true });
    expect(JSON.stringify(created.body)).not.toContain('a-long-password');
    expect((await login('new.cp@solarium.test', 'a-long-password')).status).toBe(200);
    const taken = await s.request.post(`${G}/users`).set(admin).send({ email: 'new.cp@solarium.test', role: 'cp' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'DUPLICATE', details: [{ path: '$.email' }] });
    const role = await s.request.post(`${G}/users`).set(admin).send({ email: 'x@solarium.test', role: 'emperor' });
    expect(role.status).toBe(400);
    expect(role.body.error.details[0].path).toBe('$.role');
    expect((await s.request.post(`${G}/users`).set(admin).send({ role: 'cp' })).status).toBe(400);
    expect((await s.request.post(`${G}/users`).set(admin).send({ email: 'y@solarium.test', role: 'cp', password: 'short' })).status).toBe(400);
  });

  it('lists users by role and activity, and changes role, attributes and password (audited, without the password)', async () => {
    const admin = await auth('admin@solarium.test');
    const cps = (await s.request.get(`${G}/users?role=cp`).set(admin)).body.data;
    expect(cps.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining(['cp1@solarium.test', 'cp2@solarium.test', 'new.cp@solarium.test']));
    expect(cps.every((u: Record<string, unknown>) => !('passwordHash' in u))).toBe(true);
    const nina = cps.find((u: { email: string }) => u.email === 'new.cp@solarium.test');
    const changed = await s.request.patch(`${G}/users/${nina.id}`).set(admin).send({ role: 'kam', attributes: { region: 'West' }, password: 'another-password' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.data).toMatchObject({ role: 'kam', attributes: { region: 'West' } });
    expect((await login('new.cp@solarium.test', 'a-long-password')).status).toBe(401);
    const session = await login('new.cp@solarium.test', 'another-password');
    expect(session.body.data.user.role).toBe('kam');
    const [entry] = await sql<{ action: string; before: { role: string }; after: Record<string, unknown> }>("SELECT action, before, after FROM audit_entries WHERE entity = '_users' AND record_id = $1 AND action = 'users.update'", [nina.id]);
    expect(entry).toMatchObject({ before: { role: 'cp' }, after: { role: 'kam', passwordChanged: true } });
    expect(JSON.stringify(entry)).not.toContain('another-password');
    expect((await s.request.get(`${G}/users?active=maybe`).set(admin)).status).toBe(400);
  });

  it('deactivates a user: sign-in refused, refresh tokens revoked at once, listed as inactive; reactivates', async () => {
    const admin = await auth('admin@solarium.test');
    const kam = (await s.request.get(`${G}/users?role=kam`).set(admin)).body.data.find((u: { email: string }) => u.email === 'new.cp@solarium.test');
    const off = await s.request.post(`${G}/users/${kam.id}/deactivate`).set(admin).send();
    expect(off.status).toBe(200);
    expect(off.body.data.active).toBe(false);
    expect((await login('new.cp@solarium.test', 'another-password')).status).toBe(401);
    expect((await s.request.get(`${G}/users?active=false`).set(admin)).body.data.map((u: { id: string }) => u.id)).toEqual([kam.id]);
    expect((await s.request.patch(`${G}/users/${kam.id}`).set(admin).send({ active: true })).body.data.active).toBe(true);
    expect((await login('new.cp@solarium.test', 'another-password')).status).toBe(200);
    const self = (await s.request.get(`${G}/users?role=admin`).set(admin)).body.data[0];
    expect((await s.request.post(`${G}/users/${self.id}/deactivate`).set(admin).send()).status).toBe(409);
  });

  it('keeps the right from growing itself: no privileged role given or touched, no change to one’s own role or scope (403)', async () => {
    const admin = await auth('admin@solarium.test');
    const promote = await s.request.post(`${G}/users`).set(admin).send({ email: 'second.admin@solarium.test', role: 'admin', password: 'a-long-password' });
    expect(promote.status).toBe(403);
    expect(promote.body.error.message).toMatch(/install's operator/);
    const cp = (await s.request.get(`${G}/users?role=cp`).set(admin)).body.data[0];
    expect((await s.request.patch(`${G}/users/${cp.id}`).set(admin).send({ role: 'admin' })).status).toBe(403);
    const me = (await s.request.get(`${G}/users?role=admin`).set(admin)).body.data[0];
    expect((await s.request.patch(`${G}/users/${me.id}`).set(admin).send({ attributes: { region: 'All' } })).status).toBe(403);
    expect((await s.request.patch(`${G}/users/${me.id}`).set(admin).send({ password: 'a-new-password' })).status).toBe(403);
  });

  it('ends a user’s sessions when their scope changes (and so on a new role or password)', async () => {
    const admin = await signIn(s, '9000000001');
    const made = (await s.request.post('/v1/apps/promopartner/users').set(admin).send({ phone: '9000000098', role: 'store', attributes: { storeId: 'S001' } })).body.data;
    const req = await s.request.post('/v1/apps/promopartner/auth/otp/request').send({ phone: '9000000098' });
    const session = (await s.request.post('/v1/apps/promopartner/auth/otp/verify').send({ otpId: req.body.data.otpId, code: '123456' })).body.data;
    expect((await s.request.patch(`/v1/apps/promopartner/users/${made.id}`).set(admin).send({ attributes: { storeId: 'S002' } })).status).toBe(200);
    expect((await s.request.post('/v1/apps/promopartner/auth/refresh').send({ refreshToken: session.refreshToken })).status).toBe(401);
  });

  it('stops a deactivated PromoPartner user’s refresh token at once', async () => {
    const admin = await signIn(s, '9000000001');
    const created = await s.request.post('/v1/apps/promopartner/users').set(admin).send({ phone: '9000000099', role: 'store', attributes: { storeId: 'S001' }, displayName: 'New store user' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const req = await s.request.post('/v1/apps/promopartner/auth/otp/request').send({ phone: '9000000099' });
    const session = await s.request.post('/v1/apps/promopartner/auth/otp/verify').send({ otpId: req.body.data.otpId, code: '123456' });
    expect(session.status).toBe(200);
    expect(session.body.data.user).toMatchObject({ role: 'store' });
    expect((await s.request.post(`/v1/apps/promopartner/users/${created.body.data.id}/deactivate`).set(admin).send()).status).toBe(200);
    const refreshed = await s.request.post('/v1/apps/promopartner/auth/refresh').send({ refreshToken: session.body.data.refreshToken });
    expect(refreshed.status).toBe(401);
    const [revoked] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [created.body.data.id]);
    expect(revoked!.n).toBe(0);
  });

  it('refuses every user operation to a role without the right (403) and without credentials (401)', async () => {
    const kam = await auth('kam@solarium.test');
    const someone = (await s.request.get(`${G}/users`).set(await auth('admin@solarium.test'))).body.data[0];
    for (const [method, url] of [['get', `${G}/users`], ['post', `${G}/users`], ['get', `${G}/users/${someone.id}`], ['patch', `${G}/users/${someone.id}`], ['post', `${G}/users/${someone.id}/deactivate`]] as const) {
      expect((await s.request[method](url).set(kam).send({ role: 'cp', email: 'z@solarium.test' })).status, `${method} ${url}`).toBe(403);
      expect((await s.request[method](url).send({})).status, `${method} ${url}`).toBe(401);
    }
    expect((await s.request.get(`${G}/users/not-a-uuid`).set(await auth('admin@solarium.test'))).status).toBe(404);
  });

  it('npm run users makes the first admin of an install from the command line (audited as the operator)', async () => {
    const run = promisify(execFile);
    const cli = path.resolve(import.meta.dirname, '../../cli/users.ts');
    const env = { ...process.env, DATABASE_URL: s.databaseUrl, LOG_LEVEL: 'silent' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, 'create', '--app', 'solarium', '--role', 'admin', '--email', 'root@solarium.test', '--password', 'first-admin-pass', '--name', 'First Admin'], { env });
    expect(stdout).toMatch(/^[0-9a-f-]{36} created: admin root@solarium.test \(password set\)/);
    expect((await login('root@solarium.test', 'first-admin-pass')).status).toBe(200);
    const listed = await run(process.execPath, ['--import', 'tsx', cli, 'list', '--app', 'solarium', '--role', 'admin'], { env });
    expect(listed.stdout).toContain('root@solarium.test');
    const refused = await run(process.execPath, ['--import', 'tsx', cli, 'create', '--app', 'solarium', '--role', 'emperor', '--email', 'e@solarium.test'], { env }).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('$.role');
    const usage = await run(process.execPath, ['--import', 'tsx', cli, 'create'], { env }).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(usage?.code).toBe(2);
    const [entry] = await sql<{ actor_id: string }>("SELECT actor_id FROM audit_entries WHERE entity = '_users' AND action = 'users.create' AND after->>'email' = 'root@solarium.test'");
    expect(entry!.actor_id).toBe('operator');
  });
});
