import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { BASE, PHONES, signIn } from '../support/promopartner.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('demo data (development)', () => {
  it('creates the demo records once, through the services, and the demo promotions evaluate right away', async () => {
    expect(await s.engine.seedDemoData()).toMatchObject({ promopartner: 19 });
    expect(await s.engine.seedDemoData()).toMatchObject({ promopartner: 0 });
    const store = await signIn(s, PHONES.store);
    const res = await s.request.post(`${BASE}/promotions/evaluate`).set(store).send({ storeId: 'S001', items: [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-MT-02', quantity: 1 }] });
    expect(res.body.data.promotions.map((p: { savings: number }) => p.savings)).toEqual([2500, 400]);
    const drafts = await s.request.get(`${BASE}/promotions?status=draft`).set(store);
    expect(drafts.body.data.items).toHaveLength(1);
  });
});
