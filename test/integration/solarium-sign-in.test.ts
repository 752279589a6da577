// Solarium sign-in (seed 001 §2.1, §4.1): POST /solarium/auth/login takes email + password, or a
// phone + the code sent to it by SMS (then with a refresh token for the mobile apps), for every role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const requestCode = (phone: string) => s.request.post('/solarium/auth/otp/request').send({ phone });
const login = (body: object) => s.request.post('/solarium/auth/login').send(body);

describe('Solarium sign-in', () => {
  it('signs every role in with a phone and the code sent by SMS, with a refresh token', async () => {
    for (const [phone, role] of [['9100000001', 'admin'], ['9100000002', 'kam'], ['9100000003', 'cp'], ['9100000005', 'customer']]) {
      expect((await requestCode(phone!)).status).toBe(200);
      const session = await login({ phone, otp: '123456' });
      expect(session.status, JSON.stringify(session.body)).toBe(200);
      expect(session.body.data).toMatchObject({ tokenType: 'Bearer', refreshToken: expect.any(String), user: { role, phone } });
    }
    await s.engine.outbox.idle();
  });

  it('sends the code by SMS through the outbox and keeps only its hash', async () => {
    await requestCode('9100000004');
    await s.engine.outbox.idle();
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: s.databaseUrl });
    await c.connect();
    const { rows } = await c.query("SELECT payload->>'body' AS body FROM outbox_messages WHERE app = 'solarium' AND channel = 'sms' AND recipient = '9100000004'");
    const hashes = await c.query("SELECT code_hash FROM otp_challenges WHERE app = 'solarium' ORDER BY created_at DESC LIMIT 1");
    await c.end();
    expect(rows.at(-1)?.body).toBe('123456 is your Solarium sign-in code. It is valid for 10 minutes. Do not share it.');
    expect(hashes.rows[0].code_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refreshes and logs out on the seed paths; email and password still sign in', async () => {
    await requestCode('9100000004');
    const session = (await login({ phone: '9100000004', otp: '123456' })).body.data;
    const refreshed = await s.request.post('/solarium/auth/refresh').send({ refreshToken: session.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await s.request.post('/solarium/auth/logout').send({ refreshToken: refreshed.body.data.refreshToken })).status).toBe(200);
    expect((await s.request.post('/solarium/auth/refresh').send({ refreshToken: refreshed.body.data.refreshToken })).status).toBe(401);
    expect((await login({ email: 'cp2@solarium.test', password: 'demo1234' })).status).toBe(200);
  });

  it('refuses a wrong code (401), an unknown phone as a wrong code, and locks after 5 wrong codes (423)', async () => {
    await requestCode('9100000003');
    expect((await login({ phone: '9100000003', otp: '000000' })).body.error.code).toBe('OTP_INVALID');
    expect((await login({ phone: '9199999999', otp: '123456' })).status).toBe(401);
    for (let i = 0; i < 4; i++) await login({ phone: '9100000003', otp: '000000' });
    const locked = await login({ phone: '9100000003', otp: '123456' });
    expect(locked.status).toBe(423);
    expect((await login({ phone: '9100000003' })).status).toBe(400);
  });
});
