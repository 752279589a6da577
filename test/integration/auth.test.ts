import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REREAD_MS } from '../../engine/auth/session-denylist.ts';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog } from '../../engine/index.ts';
import { DEFINITIONS_DIR, PLUGINS_DIR, startTestServer, TEST_SECRET, type TestServer } from '../support/test-server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function tokenFor(email: string) {
  const res = await s.request.post('/solarium/auth/login').send({ email, password: 'demo1234' });
  return res.body.data as { accessToken: string; user: { id: string; role: string } };
}

describe('password login', () => {
  it('issues a JWT with issuer, audience, app and role claims and a 60 minute lifetime', async () => {
    const res = await s.request.post('/solarium/auth/login').send({ email: 'KAM@solarium.test', password: 'demo1234' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user: { role: 'kam', email: 'kam@solarium.test' } });
    const [, payload] = (res.body.data.accessToken as string).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims).toMatchObject({ iss: 'rulepath', aud: 'solarium', app: 'solarium', role: 'kam' });
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('answers 401 INVALID_CREDENTIALS alike for a wrong password and an unknown user', async () => {
    const wrong = await s.request.post('/solarium/auth/login').send({ email: 'kam@solarium.test', password: 'nope-nope' });
    const unknown = await s.request.post('/solarium/auth/login').send({ email: 'nobody@solarium.test', password: 'demo1234' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({ code: 'INVALID_CREDENTIALS', message: 'Invalid email or password' });
    }
  });

  it('stores passwords as bcrypt hashes, never in clear', async () => {
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: s.databaseUrl });
    await c.connect();
    const rows = await c.query("SELECT password_hash FROM users WHERE app = 'solarium'");
    await c.end();
    expect(rows.rows.length).toBe(5);
    for (const r of rows.rows) expect(r.password_hash).toMatch(/^\$2[aby]\$10\$/);
  });

  it('validates the login body', async () => {
    const res = await s.request.post('/solarium/auth/login').send({ email: 'not-an-email', password: 5, extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['$.email', '$.extra', '$.password']);
  });
});

describe('access token verification', () => {
  const call = (token?: string, raw?: string) => {
    const req = s.request.get('/solarium/leads');
    if (raw !== undefined) return req.set('Authorization', raw);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };

  it('accepts a valid token', async () => {
    const { accessToken } = await tokenFor('admin@solarium.test');
    expect((await call(accessToken)).status).toBe(200);
  });

  it('answers 401 without a token, or with a malformed Authorization header', async () => {
    expect((await call()).status).toBe(401);
    expect((await call(undefined, 'Basic YWJj')).status).toBe(401);
    expect((await call(undefined, 'Bearer not-a-jwt')).status).toBe(401);
  });

  it('answers 401 to an expired token', async () => {
    const { accessToken } = await tokenFor('admin@solarium.test');
    const real = s.clock.now;
    s.clock.now = new Date(real.getTime() + 61 * 60_000);
    try {
      const res = await call(accessToken);
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('The token has expired');
    } finally {
      s.clock.now = real;
    }
  });

  it('answers 401 to a forged signature', async () => {
    const forged = await new SignJWT({ app: 'solarium', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('rulepath')
      .setAudience('solarium')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    expect((await call(forged)).status).toBe(401);
  });

  it('answers 401 to alg none and to a tampered role claim', async () => {
    const { accessToken } = await tokenFor('cp1@solarium.test');
    const [header, payload, sig] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    expect((await call(none)).status).toBe(401);
    const tampered = `${header}.${b64({ ...claims, role: 'admin' })}.${sig}`;
    expect((await call(tampered)).status).toBe(401);
  });

  it('answers 401 to a token of another app or issuer, even signed with the right key', async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const base = () => new SignJWT({ app: 'solarium', role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuedAt().setExpirationTime('1h');
    expect((await call(await base().setIssuer('rulepath').setAudience('other').sign(key))).status).toBe(401);
    expect((await call(await base().setIssuer('evil').setAudience('solarium').sign(key))).status).toBe(401);
    const good = await base().setIssuer('rulepath').setAudience('solarium').sign(key);
    expect((await call(good)).status).toBe(200); // the control: only the claim under test differs
  });
});

describe('RBAC per role on lead routes', () => {
  const matrix: { role: string; email: string; create: number; list: number; del: number }[] = [
    { role: 'admin', email: 'admin@solarium.test', create: 201, list: 200, del: 200 },
    { role: 'kam', email: 'kam@solarium.test', create: 201, list: 200, del: 403 },
    { role: 'cp', email: 'cp1@solarium.test', create: 201, list: 200, del: 403 },
    { role: 'customer', email: 'customer1@solarium.test', create: 201, list: 200, del: 403 }, // a service request (§5)
  ];
  let phone = 9200000000;
  for (const row of matrix) {
    it(`gives ${row.role} create ${row.create}, list ${row.list}, delete ${row.del}`, async () => {
      const { accessToken } = await tokenFor(row.email);
      const h = { Authorization: `Bearer ${accessToken}` };
      const admin = { Authorization: `Bearer ${(await tokenFor('admin@solarium.test')).accessToken}` };
      const created = await s.request.post('/solarium/leads').set(h).send({ name: 'R', phone: String(phone++), city: 'Pune' });
      expect(created.status).toBe(row.create);
      expect((await s.request.get('/solarium/leads').set(h)).status).toBe(row.list);
      const victim = await s.request.post('/solarium/leads').set(admin).send({ name: 'V', phone: String(phone++), city: 'Pune' });
      expect((await s.request.delete(`/v1/apps/solarium/records/lead/${victim.body.data.id}`).set(h)).status).toBe(row.del);
    });
  }
});

describe('access tokens of ended sessions (issue 12)', () => {
  // Sign-in by phone and code: a session with a refresh token, whose family the access token names.
  async function otpSession(phone: string) {
    expect((await s.request.post('/solarium/auth/otp/request').send({ phone })).status).toBe(200);
    const res = await s.request.post('/solarium/auth/login').send({ phone, otp: '123456' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as { accessToken: string; refreshToken: string; user: { id: string } };
  }
  const leads = (token: string) => s.request.get('/solarium/leads').set('Authorization', `Bearer ${token}`);
  const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

  it('names the refresh family as the session (sid) of the access token; a password sign-in has one of its own', async () => {
    const session = await otpSession('9100000004');
    const [family] = await sqlRows<{ family_id: string }>('SELECT family_id FROM refresh_tokens WHERE id = $1', [session.refreshToken.split('.')[0]]);
    expect(claims(session.accessToken).sid).toBe(family!.family_id);
    expect(claims((await tokenFor('cp2@solarium.test')).accessToken).sid).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
  });

  it('refuses the access token at the next request after logout, and keeps another session of the same user working', async () => {
    const ended = await otpSession('9100000003');
    const other = await otpSession('9100000003');
    const byPassword = (await tokenFor('cp1@solarium.test')).accessToken;
    expect((await leads(ended.accessToken)).status).toBe(200); // verified and cached before the logout
    expect((await s.request.post('/solarium/auth/logout').send({ refreshToken: ended.refreshToken })).status).toBe(200);
    const refused = await leads(ended.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toEqual({ code: 'UNAUTHENTICATED', message: 'The session has ended; sign in again' });
    expect((await leads(other.accessToken)).status).toBe(200);
    expect((await leads(byPassword)).status).toBe(200);
  });

  it('refuses every access token of a family revoked for a reused refresh token', async () => {
    const first = await otpSession('9100000002');
    const other = await otpSession('9100000002');
    const rotated = (await s.request.post('/solarium/auth/refresh').send({ refreshToken: first.refreshToken })).body.data;
    expect((await leads(rotated.accessToken)).status).toBe(200);
    expect((await s.request.post('/solarium/auth/refresh').send({ refreshToken: first.refreshToken })).status).toBe(401); // the reuse
    expect((await leads(first.accessToken)).status).toBe(401);
    expect((await leads(rotated.accessToken)).status).toBe(401);
    expect((await leads(other.accessToken)).status).toBe(200);
  });

  it('refuses the access tokens of a user deactivated by an admin, password sign-ins included', async () => {
    const admin = { Authorization: `Bearer ${(await tokenFor('admin@solarium.test')).accessToken}` };
    const session = await otpSession('9100000005');
    const byPassword = (await tokenFor('customer1@solarium.test')).accessToken;
    expect((await leads(byPassword)).status).toBe(200);
    expect((await s.request.post(`/v1/apps/solarium/users/${session.user.id}/deactivate`).set(admin).send()).status).toBe(200);
    expect((await leads(byPassword)).status).toBe(401);
    expect((await leads(session.accessToken)).status).toBe(401);
    // Reactivated, they sign in again a second later (a token's iat has whole seconds) and are served.
    expect((await s.request.patch(`/v1/apps/solarium/users/${session.user.id}`).set(admin).send({ active: true })).status).toBe(200);
    const real = s.clock.now;
    s.clock.now = new Date(real.getTime() + 1000);
    try {
      expect((await leads((await tokenFor('customer1@solarium.test')).accessToken)).status).toBe(200);
      expect((await leads(byPassword)).status).toBe(401);
    } finally {
      s.clock.now = real;
    }
  });

  it('refuses a logged-out token on another process sharing the database within ' + REREAD_MS + ' ms', async () => {
    // A second engine on the same database: nothing in memory is shared with the first.
    const db = createDatabase(s.databaseUrl);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-data-'));
    const clock = { now: s.clock.now };
    try {
      const other = await createEngine({ db, plugins: await loadPluginCatalog(PLUGINS_DIR), definitionsDir: DEFINITIONS_DIR, dataDir, production: false, logger: createLogger('silent'), jwtSecret: TEST_SECRET, clock: () => clock.now });
      const session = await otpSession('9100000001');
      expect(await other.auth.verify(session.accessToken, 'solarium')).toMatchObject({ id: session.user.id, role: 'admin' });
      expect((await s.request.post('/solarium/auth/logout').send({ refreshToken: session.refreshToken })).status).toBe(200);
      clock.now = new Date(clock.now.getTime() + REREAD_MS);
      await expect(other.auth.verify(session.accessToken, 'solarium')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'The session has ended; sign in again' });
    } finally {
      await closeDatabase(db);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('accepts a token issued before sessions were named (no sid) until it expires', async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const legacy = await new SignJWT({ app: 'solarium', role: 'kam' }).setProtectedHeader({ alg: 'HS256' }).setSubject('00000000-0000-4000-8000-000000000001').setIssuer('rulepath').setAudience('solarium').setIssuedAt(Math.floor(s.clock.now.getTime() / 1000)).setExpirationTime('1h').sign(key);
    expect((await leads(legacy)).status).toBe(200);
  });
});

async function sqlRows<T>(query: string, params: unknown[]): Promise<T[]> {
  const pg = await import('pg');
  const c = new pg.default.Client({ connectionString: s.databaseUrl });
  await c.connect();
  try {
    return (await c.query(query, params)).rows as T[];
  } finally {
    await c.end();
  }
}
