import type pg from 'pg';
import { queryRows } from '../support/sql.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { promotionBody, seedMasterData } from '../support/promopartner.ts';

let s: TestServer;
const BASE = '/promopartner/v1';
const ADMIN = '9000000001';
const KAM = '9000000002';
const STORE = '9000000003';
const PARENT = '9000000004';

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

const requestOtp = (phone: string) => s.request.post(`${BASE}/auth/otp/request`).send({ phone });
const verifyOtp = (otpId: string, code: string, headers: Record<string, string> = {}) => s.request.post(`${BASE}/auth/otp/verify`).set(headers).send({ otpId, code });

async function signIn(phone: string) {
  const req = await requestOtp(phone);
  expect(req.status, JSON.stringify(req.body)).toBe(200);
  const res = await verifyOtp(req.body.data.otpId, '123456');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as { accessToken: string; refreshToken: string };
}

const advance = (ms: number) => (s.clock.now = new Date(s.clock.now.getTime() + ms));

// Each test starts past the resend window of the one before: the demo users sign in often.
beforeEach(() => {
  advance(16 * 60_000);
});

describe('login OTP request (§4.1.1)', () => {
  it('sends one 6-digit code by SMS always and by email when the profile has one, valid 10 minutes', async () => {
    const res = await requestOtp(ADMIN);
    expect(res.body.data).toMatchObject({ otpId: expect.any(String), expiresInSeconds: 600, channels: ['sms', 'email'] });
    await s.engine.outbox.idle();
    const rows = await sql<{ channel: string; recipient: string; payload: { body?: string; text?: string } }>('SELECT channel, recipient, payload FROM outbox_messages WHERE idempotency_key LIKE $1 ORDER BY channel', [`promopartner:otp:${res.body.data.otpId}:%`]);
    expect(rows.map((r) => [r.channel, r.recipient])).toEqual([['email', 'admin@promopartner.test'], ['sms', ADMIN]]);
    expect(rows[1]!.payload.body).toContain('123456');
    expect(rows[0]!.payload.text).toContain('123456');
    const kam = await requestOtp(KAM);
    expect(kam.body.data.channels).toEqual(['sms']);
  });

  it('stores only an HMAC of the code', async () => {
    const res = await requestOtp(STORE);
    const [row] = await sql<{ code_hash: string }>('SELECT code_hash FROM otp_challenges WHERE id = $1', [res.body.data.otpId]);
    expect(row!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.code_hash).not.toContain('123456');
  });

  it('refuses a phone that is not 10 digits (400) and an unknown or inactive user (404)', async () => {
    expect((await requestOtp('12345')).status).toBe(400);
    expect((await requestOtp('9999999999')).status).toBe(404);
    await sql("UPDATE users SET active = false, status = 'deactivated' WHERE phone = '9000000002'");
    expect((await requestOtp(KAM)).status).toBe(404);
    await sql("UPDATE users SET active = true, status = 'active' WHERE phone = '9000000002'");
  });

  it('allows the first code and 3 resends per 15 minutes, then answers 429 until the window moves', async () => {
    await sql("INSERT INTO users (id, app, phone, role) VALUES (gen_random_uuid(), 'promopartner', '9111111111', 'kam')");
    for (let i = 0; i < 4; i++) expect((await requestOtp('9111111111')).status).toBe(200);
    const limited = await requestOtp('9111111111');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED', data: { retryAfterSeconds: expect.any(Number) } });
    // The standard header says it too (RFC 9110 §10.2.3), for clients and proxies that read no body.
    expect(limited.headers['retry-after']).toBe(String(limited.body.error.data.retryAfterSeconds));
    advance(15 * 60_000 + 1000);
    expect((await requestOtp('9111111111')).status).toBe(200);
  });
});

describe('login OTP verification (§4.1.2)', () => {
  it('returns access and refresh tokens in the body for mobile clients', async () => {
    const tokens = await signIn(ADMIN);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, refreshExpiresIn: 12 * 3600, user: { role: 'admin' } });
    expect((await s.request.get(`${BASE}/promotions`).set('Authorization', `Bearer ${tokens.accessToken}`)).status).toBe(200);
  });

  it('sets httpOnly, Secure, SameSite cookies for web clients and keeps tokens out of the body', async () => {
    const req = await requestOtp(ADMIN);
    const res = await verifyOtp(req.body.data.otpId, '123456', { 'X-Client-Type': 'web' });
    expect(res.status).toBe(200);
    expect(res.body.data.accessToken).toBeUndefined();
    const cookies = res.headers['set-cookie'] as unknown as string[];
    expect(cookies).toHaveLength(2);
    for (const c of cookies) expect(c).toMatch(/HttpOnly; Secure; SameSite=Strict/);
    const access = cookies.find((c) => c.startsWith('rp_access='))!.split(';')[0]!;
    expect((await s.request.get(`${BASE}/promotions`).set('Cookie', access)).status).toBe(200);
  });

  it('is single use', async () => {
    const req = await requestOtp(KAM);
    expect((await verifyOtp(req.body.data.otpId, '123456')).status).toBe(200);
    const again = await verifyOtp(req.body.data.otpId, '123456');
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('OTP_USED');
  });

  it('leaves the code unspent when no session can be made (an account deactivated meanwhile)', async () => {
    const req = await requestOtp(KAM);
    await sql("UPDATE users SET active = false, status = 'deactivated' WHERE app = 'promopartner' AND phone = $1", [KAM]);
    const refused = await verifyOtp(req.body.data.otpId, '123456');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHENTICATED');
    await sql("UPDATE users SET active = true, status = 'active' WHERE app = 'promopartner' AND phone = $1", [KAM]);
    expect((await verifyOtp(req.body.data.otpId, '123456')).status).toBe(200);
  });

  it('refuses an expired code', async () => {
    const req = await requestOtp(KAM);
    advance(10 * 60_000 + 1);
    const res = await verifyOtp(req.body.data.otpId, '123456');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('OTP_EXPIRED');
  });

  it('lets exactly one of two concurrent correct submissions through', async () => {
    const req = await requestOtp(STORE);
    const results = await Promise.all([verifyOtp(req.body.data.otpId, '123456'), verifyOtp(req.body.data.otpId, '123456')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('locks the account after exactly 5 of 20 parallel wrong codes, refuses the right code while locked (423), and unlocks after 15 minutes', async () => {
    await sql("INSERT INTO users (id, app, phone, role) VALUES (gen_random_uuid(), 'promopartner', '9222222222', 'kam')");
    const req = await requestOtp('9222222222');
    const wrong = await Promise.all(Array.from({ length: 20 }, () => verifyOtp(req.body.data.otpId, '000000')));
    const codes = wrong.map((r) => r.status);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 423)).toHaveLength(15);
    const right = await verifyOtp(req.body.data.otpId, '123456');
    expect(right.status).toBe(423);
    expect(right.body.error).toMatchObject({ code: 'LOCKED', data: { retryAfterSeconds: 900 } });
    expect(right.headers['retry-after']).toBe('900');
    expect((await requestOtp('9222222222')).status).toBe(423);
    advance(15 * 60_000 + 1000);
    const fresh = await requestOtp('9222222222');
    expect((await verifyOtp(fresh.body.data.otpId, '123456')).status).toBe(200);
  });

  it('counts failures within 10 minutes only: 4 wrong, 11 minutes, 4 wrong does not lock', async () => {
    await sql("INSERT INTO users (id, app, phone, role) VALUES (gen_random_uuid(), 'promopartner', '9333333333', 'kam')");
    const a = await requestOtp('9333333333');
    for (let i = 0; i < 4; i++) expect((await verifyOtp(a.body.data.otpId, '000000')).status).toBe(401);
    advance(11 * 60_000);
    const b = await requestOtp('9333333333');
    for (let i = 0; i < 4; i++) expect((await verifyOtp(b.body.data.otpId, '000000')).status).toBe(401);
    expect((await verifyOtp(b.body.data.otpId, '123456')).status).toBe(200);
  });
});

describe('refresh tokens (§4.1.3)', () => {
  it('rotates: a refresh gives a new access token and a new refresh token', async () => {
    const t = await signIn(ADMIN);
    const res = await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken: t.refreshToken });
    expect(res.status).toBe(200);
    expect(res.body.data.refreshToken).not.toBe(t.refreshToken);
    expect((await s.request.get(`${BASE}/promotions`).set('Authorization', `Bearer ${res.body.data.accessToken}`)).status).toBe(200);
  });

  it('revokes the whole family when a rotated token is used again', async () => {
    const t = await signIn(ADMIN);
    const first = await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken: t.refreshToken });
    const reuse = await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken: t.refreshToken });
    expect(reuse.status).toBe(401);
    const next = await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken: first.body.data.refreshToken });
    expect(next.status).toBe(401); // the legitimate holder's newer token died with the family
  });

  it('answers 401 to an expired, forged or logged-out refresh token', async () => {
    const t = await signIn(KAM);
    const [id] = t.refreshToken.split('.');
    expect((await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken: `${id}.${'A'.repeat(43)}` })).status).toBe(401);
    expect((await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken: 'garbage' })).status).toBe(401);
    expect((await s.request.post(`${BASE}/auth/logout`).send({ refreshToken: t.refreshToken })).status).toBe(200);
    expect((await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken: t.refreshToken })).status).toBe(401);
    const u = await signIn(KAM);
    advance(12 * 3_600_000 + 1000);
    const expired = await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken: u.refreshToken });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toBe('The refresh token has expired');
  });

  it('keeps refresh tokens hashed at rest', async () => {
    const t = await signIn(ADMIN);
    const [id, secret] = t.refreshToken.split('.');
    const [row] = await sql<{ token_hash: string }>('SELECT token_hash FROM refresh_tokens WHERE id = $1', [id]);
    expect(row!.token_hash).not.toContain(secret!);
    expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('customer OTP (§4.1.4–4.1.5)', () => {
  beforeAll(async () => seedMasterData(s, { Authorization: `Bearer ${(await signIn(ADMIN)).accessToken}` }));

  async function activePromotion(token: string, status: 'active' | 'draft' | 'paused' = 'active') {
    const auth = { Authorization: `Bearer ${token}` };
    const p = await s.request.post(`${BASE}/promotions`).set(auth).send(promotionBody(s));
    expect(p.status).toBe(201);
    if (status !== 'draft') expect((await s.request.put(`${BASE}/promotions/${p.body.data.id}/activate`).set(auth)).status).toBe(200);
    if (status === 'paused') expect((await s.request.put(`${BASE}/promotions/${p.body.data.id}/pause`).set(auth)).status).toBe(200);
    return p.body.data.id as string;
  }

  it('sends the code only to the channels given, valid 5 minutes; refuses no channel, a draft or a paused promotion', async () => {
    const admin = await signIn(ADMIN);
    const store = await signIn(STORE);
    const auth = { Authorization: `Bearer ${store.accessToken}` };
    const id = await activePromotion(admin.accessToken);
    const phoneOnly = await s.request.post(`${BASE}/promotions/${id}/request-cust-otp`).set(auth).send({ phone: '9876500001' });
    expect(phoneOnly.body.data).toMatchObject({ channels: ['sms'], expiresInSeconds: 300 });
    const both = await s.request.post(`${BASE}/promotions/${id}/request-cust-otp`).set(auth).send({ phone: '9876500001', email: 'c@example.com' });
    expect(both.body.data.channels).toEqual(['sms', 'email']);
    expect((await s.request.post(`${BASE}/promotions/${id}/request-cust-otp`).set(auth).send({})).status).toBe(400);
    const draft = await activePromotion(admin.accessToken, 'draft');
    expect((await s.request.post(`${BASE}/promotions/${draft}/request-cust-otp`).set(auth).send({ phone: '9876500001' })).status).toBe(422);
    const paused = await activePromotion(admin.accessToken, 'paused');
    expect((await s.request.post(`${BASE}/promotions/${paused}/request-cust-otp`).set(auth).send({ phone: '9876500001' })).status).toBe(422);
    expect((await s.request.post(`${BASE}/promotions/00000000-0000-4000-8000-000000000000/request-cust-otp`).set(auth).send({ phone: '9876500001' })).status).toBe(404);
  });

  it('locks the flow after 3 wrong attempts (423, even for the right code); success returns a verification token', async () => {
    const admin = await signIn(ADMIN);
    const store = await signIn(STORE);
    const auth = { Authorization: `Bearer ${store.accessToken}` };
    const id = await activePromotion(admin.accessToken);
    const sent = await s.request.post(`${BASE}/promotions/${id}/request-cust-otp`).set(auth).send({ phone: '9876500002' });
    const verify = (code: string) => s.request.post(`${BASE}/promotions/${id}/verify-cust-otp`).set(auth).send({ otpId: sent.body.data.otpId, code });
    const wrong = [await verify('000000'), await verify('000001'), await verify('000002')];
    expect(wrong.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(wrong.map((r) => r.body.error.data.attemptsLeft)).toEqual([2, 1, 0]);
    expect((await verify('123456')).status).toBe(423);

    const again = await s.request.post(`${BASE}/promotions/${id}/request-cust-otp`).set(auth).send({ phone: '9876500002' });
    const ok = await s.request.post(`${BASE}/promotions/${id}/verify-cust-otp`).set(auth).send({ otpId: again.body.data.otpId, code: '123456' });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ verificationToken: expect.any(String), verified: { phone: '9876500002', email: null } });
    // The proof is not an access token.
    expect((await s.request.get(`${BASE}/promotions`).set('Authorization', `Bearer ${ok.body.data.verificationToken}`)).status).toBe(401);
  });

  it('refuses a code sent for another promotion', async () => {
    const admin = await signIn(ADMIN);
    const store = await signIn(STORE);
    const auth = { Authorization: `Bearer ${store.accessToken}` };
    const a = await activePromotion(admin.accessToken);
    const b = await activePromotion(admin.accessToken);
    const sent = await s.request.post(`${BASE}/promotions/${a}/request-cust-otp`).set(auth).send({ phone: '9876500003' });
    expect((await s.request.post(`${BASE}/promotions/${b}/verify-cust-otp`).set(auth).send({ otpId: sent.body.data.otpId, code: '123456' })).status).toBe(401);
  });
});

describe('RBAC (§4.10)', () => {
  it('gives admin full access and KAM read-only access (any write is 403)', async () => {
    const admin = { Authorization: `Bearer ${(await signIn(ADMIN)).accessToken}` };
    const kam = { Authorization: `Bearer ${(await signIn(KAM)).accessToken}` };
    const created = await s.request.post(`${BASE}/promotions`).set(admin).send({ name: 'RBAC promo' });
    expect(created.status).toBe(201);
    expect((await s.request.get(`${BASE}/promotions/${created.body.data.id}`).set(kam)).status).toBe(200);
    expect((await s.request.post(`${BASE}/promotions`).set(kam).send({ name: 'nope' })).status).toBe(403);
    expect((await s.request.put(`${BASE}/promotions/${created.body.data.id}/activate`).set(kam)).status).toBe(403);
    expect((await s.request.post(`${BASE}/stores`).set(kam).send({ storeId: 'K1', name: 'x' })).status).toBe(403);
    expect((await s.request.patch(`${BASE}/stores/${created.body.data.id}`).set(kam).send({ name: 'x' })).status).toBe(403);
  });

  it('shows a store user only their store and a parent-store user their store and its children', async () => {
    const admin = { Authorization: `Bearer ${(await signIn(ADMIN)).accessToken}` };
    const ids: Record<string, string> = {};
    for (const [storeId, parent] of [['P001', undefined], ['S001', 'P001'], ['S002', 'P001'], ['S999', undefined]] as const) {
      // The promotion tests above seeded the demo stores already; S999 is new.
      const r = await s.request.post(`${BASE}/stores`).set(admin).send({ storeId, name: `Store ${storeId}`, ...(parent ? { parentStoreId: parent } : {}) });
      expect([201, 409]).toContain(r.status);
      ids[storeId] = r.status === 201 ? r.body.data.id : (await s.request.get(`${BASE}/stores?storeId=${storeId}`).set(admin)).body.data.items[0].id;
    }
    const store = { Authorization: `Bearer ${(await signIn(STORE)).accessToken}` };
    const parent = { Authorization: `Bearer ${(await signIn(PARENT)).accessToken}` };
    const list = async (h: Record<string, string>) => (await s.request.get(`${BASE}/stores?sort=storeId`).set(h)).body.data.items.map((x: { storeId: string }) => x.storeId);
    expect(await list(store)).toEqual(['S001']);
    expect(await list(parent)).toEqual(['P001', 'S001', 'S002']);
    expect(await list(admin)).toEqual(expect.arrayContaining(['P001', 'S001', 'S002', 'S999']));
    // Outside one's scope reads as not there: a 404 tells no one the record exists.
    expect((await s.request.get(`${BASE}/stores/${ids.S002}`).set(store)).status).toBe(404);
    expect((await s.request.get(`${BASE}/stores/${ids.S002}`).set(parent)).status).toBe(200);
    expect((await s.request.get(`${BASE}/stores/${ids.S999}`).set(parent)).status).toBe(404);
  });
});
