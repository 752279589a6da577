import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { promotionBody, seedMasterData } from '../support/promopartner.ts';

let s: TestServer;
let admin: Record<string, string>;
const BASE = '/promopartner/v1';

beforeAll(async () => {
  s = await startTestServer();
  const req = await s.request.post(`${BASE}/auth/otp/request`).send({ phone: '9000000001' });
  const res = await s.request.post(`${BASE}/auth/otp/verify`).send({ otpId: req.body.data.otpId, code: '123456' });
  admin = { Authorization: `Bearer ${res.body.data.accessToken as string}` };
  await seedMasterData(s, admin);
});
afterAll(async () => s?.close());

const draft = async (i: number) => (await s.request.post(`${BASE}/promotions`).set(admin).send(promotionBody(s, { name: `Limit ${i}` }))).body.data.id as string;

describe('active promotion limit (§4.2)', () => {
  it('lets exactly 20 of 25 parallel activations through; the others get ACTIVE_PROMOTION_LIMIT', async () => {
    const ids = await Promise.all(Array.from({ length: 25 }, (_, i) => draft(i)));
    const results = await Promise.all(ids.map((id) => s.request.put(`${BASE}/promotions/${id}/activate`).set(admin)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(20);
    expect(statuses.filter((x) => x === 409)).toHaveLength(5);
    expect(results.find((r) => r.status === 409)!.body.error).toMatchObject({ code: 'ACTIVE_PROMOTION_LIMIT', message: 'At most 20 promotions can be active at once' });
    const active = await s.request.get(`${BASE}/promotions?status=active&limit=100`).set(admin);
    expect(active.body.data.items).toHaveLength(20);
  });

  it('frees a place when one is paused, and refuses resuming it once the place is taken', async () => {
    const active = (await s.request.get(`${BASE}/promotions?status=active&limit=1`).set(admin)).body.data.items[0].id as string;
    expect((await s.request.put(`${BASE}/promotions/${active}/pause`).set(admin)).status).toBe(200);
    const waiting = (await s.request.get(`${BASE}/promotions?status=draft&limit=1`).set(admin)).body.data.items[0].id as string;
    expect((await s.request.put(`${BASE}/promotions/${waiting}/activate`).set(admin)).status).toBe(200);
    expect((await s.request.put(`${BASE}/promotions/${active}/resume`).set(admin)).status).toBe(409);
  });
});
