import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { queryRows } from '../support/sql.ts';

let s: TestServer;
const BASE = '/promopartner/v1';

async function signIn(phone: string) {
  s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000);
  const req = await s.request.post(`${BASE}/auth/otp/request`).send({ phone });
  const res = await s.request.post(`${BASE}/auth/otp/verify`).send({ otpId: req.body.data.otpId, code: '123456' });
  return { Authorization: `Bearer ${res.body.data.accessToken as string}` };
}

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('master data (§4.8)', () => {
  it('keeps SKUs unique, case-insensitively, even in parallel', async () => {
    const admin = await signIn('9000000001');
    const results = await Promise.all(
      ['RB-3025-BLK', 'rb-3025-blk', 'Rb-3025-Blk'].map((sku) => s.request.post(`${BASE}/products`).set(admin).send({ sku, name: 'Aviator', category: 'sunglass', brand: 'Rayban', mrp: 9990 })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(results.find((r) => r.status === 409)!.body.error).toMatchObject({ code: 'DUPLICATE', details: [{ path: '$.sku' }] });
  });

  it('validates store and product attributes, listing every problem', async () => {
    const admin = await signIn('9000000001');
    const store = await s.request.post(`${BASE}/stores`).set(admin).send({ storeId: 'S100', name: 'Pune Camp', zone: 'Northeast', pinCode: '41100', el360: 'yes' });
    expect(store.status).toBe(400);
    expect(store.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['$.el360', '$.pinCode', '$.zone']);
    const product = await s.request.post(`${BASE}/products`).set(admin).send({ sku: 'L1', name: 'Lens', category: 'lens', lensIndex: 3, mrp: -1 });
    expect(product.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['$.lensIndex', '$.mrp']);
  });

  it('lets everyone read products, only admin write them', async () => {
    const admin = await signIn('9000000001');
    const created = await s.request.post(`${BASE}/products`).set(admin).send({ sku: 'FR-100', name: 'Frame', category: 'frame', frameMaterial: 'acetate' });
    expect(created.status).toBe(201);
    for (const phone of ['9000000002', '9000000003', '9000000004']) {
      const h = await signIn(phone);
      expect((await s.request.get(`${BASE}/products?category=frame`).set(h)).body.data.items.map((p: { sku: string }) => p.sku)).toContain('FR-100');
      expect((await s.request.post(`${BASE}/products`).set(h).send({ sku: `X${phone}`, name: 'x', category: 'lens' })).status).toBe(403);
      expect((await s.request.patch(`${BASE}/products/${created.body.data.id}`).set(h).send({ mrp: 1 })).status).toBe(403);
    }
  });

  it('applies 20 parallel changes to one record, each on top of the one before (no lost update)', async () => {
    const admin = await signIn('9000000001');
    const created = await s.request.post(`${BASE}/products`).set(admin).send({ sku: 'PAR-1', name: 'v0', category: 'frame' });
    const fields = ['name', 'brand', 'frameMaterial', 'frameShape', 'coating', 'lensType'];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.request.patch(`${BASE}/products/${created.body.data.id}`).set(admin).send({ [fields[i % fields.length]!]: `v${i + 1}`, mrp: i + 1 })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const final = (await s.request.get(`${BASE}/products/${created.body.data.id}`).set(admin)).body.data;
    expect(final.version).toBe(21);
    // Every field carries the value of the last change that set it, in the serial order the audit shows.
    const audit = await queryRows<{ before: Record<string, unknown>; after: Record<string, unknown> }>(s.databaseUrl, "SELECT before, after FROM audit_entries WHERE record_id = $1 AND action = 'record.update' ORDER BY id", [created.body.data.id]);
    expect(audit).toHaveLength(20);
    for (let i = 1; i < audit.length; i++) expect(audit[i]!.before).toEqual(audit[i - 1]!.after);
    expect(audit.at(-1)!.after).toEqual(Object.fromEntries(Object.entries(final).filter(([k]) => k in audit.at(-1)!.after)));
  });
});
