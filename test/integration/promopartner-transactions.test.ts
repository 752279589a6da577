import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { activePromotion as createActive, seedMasterData } from '../support/promopartner.ts';

let s: TestServer;
const BASE = '/promopartner/v1';
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

async function signIn(phone: string) {
  s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000); // past the resend window of the last sign-in
  const req = await s.request.post(`${BASE}/auth/otp/request`).send({ phone });
  const res = await s.request.post(`${BASE}/auth/otp/verify`).send({ otpId: req.body.data.otpId, code: '123456' });
  return { Authorization: `Bearer ${res.body.data.accessToken as string}` };
}

let admin: Record<string, string>;
let store: Record<string, string>;

const activePromotion = () => createActive(s, admin);

async function verification(promotionId: string, phone = '9876511111', as = store) {
  const sent = await s.request.post(`${BASE}/promotions/${promotionId}/request-cust-otp`).set(as).send({ phone });
  const ok = await s.request.post(`${BASE}/promotions/${promotionId}/verify-cust-otp`).set(as).send({ otpId: sent.body.data.otpId, code: '123456' });
  return ok.body.data.verificationToken as string;
}

// 10% off lenses: one 4,000 lens and one 3,000 frame -> gross 7,000, discount 400, net 6,600.
const body = (promotionId: string, verificationToken: string, requestId = randomUUID()) => ({
  requestId,
  promotionId,
  verificationToken,
  items: [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-AC-01', quantity: 1 }],
});

beforeAll(async () => {
  s = await startTestServer();
  admin = await signIn('9000000001');
  store = await signIn('9000000003');
  await seedMasterData(s, admin);
});
afterAll(async () => s?.close());

describe('transactions (§4.4)', () => {
  it('creates a New transaction for the store, with the verified customer, and a confirmation message', async () => {
    const promo = await activePromotion();
    const res = await s.request.post(`${BASE}/transactions`).set(store).send(body(promo, await verification(promo)));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ status: 'New', storeId: 'S001', customerPhone: '9876511111', grossAmount: 7000, discountAmount: 400, netAmount: 6600 });
    expect(res.body.data.items).toEqual([{ sku: 'LENS-BC-160', quantity: 1, price: 4000 }, { sku: 'FR-AC-01', quantity: 1, price: 3000 }]);
    expect(res.body.data.verificationToken).toBeUndefined();
    await s.engine.outbox.idle();
    const msgs = await sql<{ channel: string; recipient: string }>("SELECT channel, recipient FROM outbox_messages WHERE record_id = $1", [res.body.data.id]);
    expect(msgs).toEqual([{ channel: 'sms', recipient: '9876511111' }]);
  });

  it('answers the same request id again with 409 and the existing transaction, and another body with 422', async () => {
    const promo = await activePromotion();
    const first = body(promo, await verification(promo));
    const created = await s.request.post(`${BASE}/transactions`).set(store).send(first);
    const again = await s.request.post(`${BASE}/transactions`).set(store).send({ ...first });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'DUPLICATE_REQUEST', data: { id: created.body.data.id, status: 'New' } });
    const reordered = await s.request.post(`${BASE}/transactions`).set(store).send(Object.fromEntries(Object.entries(first).reverse()));
    expect(reordered.status).toBe(409); // the same body in another key order is the same request
    const changed = await s.request.post(`${BASE}/transactions`).set(store).send({ ...first, items: [{ sku: 'LENS-BC-160', quantity: 2 }] });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
  });

  it('keeps exactly one row for 10 concurrent duplicates', async () => {
    const promo = await activePromotion();
    const b = body(promo, await verification(promo));
    const results = await Promise.all(Array.from({ length: 10 }, () => s.request.post(`${BASE}/transactions`).set(store).send(b)));
    expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    const rows = await sql<{ n: number }>("SELECT count(*)::int AS n FROM records WHERE entity = 'transaction' AND data->>'requestId' = $1", [b.requestId]);
    expect(rows[0]!.n).toBe(1);
  });

  it('requires a verification for this promotion, and the promotion still active', async () => {
    const promo = await activePromotion();
    const other = await activePromotion();
    const token = await verification(promo);
    const { verificationToken: _t, ...noToken } = body(promo, token);
    expect((await s.request.post(`${BASE}/transactions`).set(store).send(noToken)).status).toBe(400);
    expect((await s.request.post(`${BASE}/transactions`).set(store).send(body(other, token))).status).toBe(403);
    expect((await s.request.post(`${BASE}/transactions`).set(store).send(body(promo, 'not.a.token'))).status).toBe(401);
    await s.request.put(`${BASE}/promotions/${promo}/pause`).set(admin);
    expect((await s.request.post(`${BASE}/transactions`).set(store).send(body(promo, token))).status).toBe(422);
  });

  it('refuses a KAM (read-only) and an expired verification', async () => {
    const promo = await activePromotion();
    const token = await verification(promo);
    const kam = await signIn('9000000002');
    expect((await s.request.post(`${BASE}/transactions`).set(kam).send(body(promo, token))).status).toBe(403);
    s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000);
    const fresh = await signIn('9000000003');
    const expired = await s.request.post(`${BASE}/transactions`).set(fresh).send(body(promo, token));
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toBe('The verification has expired; verify again');
  });

  it('answers a retry after the verification expired with 409 and the transaction, not 401', async () => {
    admin = await signIn('9000000001');
    store = await signIn('9000000003');
    const promo = await activePromotion();
    const b = body(promo, await verification(promo));
    const created = await s.request.post(`${BASE}/transactions`).set(store).send(b);
    expect(created.status).toBe(201);
    s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000);
    store = await signIn('9000000003');
    const retry = await s.request.post(`${BASE}/transactions`).set(store).send(b);
    expect(retry.status).toBe(409);
    expect(retry.body.error.data.id).toBe(created.body.data.id);
    // A retry that came with a fresh verification is the same request too.
    const fresh = await s.request.post(`${BASE}/transactions`).set(store).send({ ...b, verificationToken: await verification(promo, '9876511112') });
    expect(fresh.status).toBe(409);
    expect(fresh.body.error.data.id).toBe(created.body.data.id);
  });
});

describe('reconciliation (§4.4 PATCH /v1/transactions/{id})', () => {
  beforeEach(async () => {
    // Fresh sessions: the fake clock has moved on by hours in the tests above.
    admin = await signIn('9000000001');
    store = await signIn('9000000003');
  });
  async function transaction(headers = store) {
    const promo = await activePromotion();
    const res = await s.request.post(`${BASE}/transactions`).set(headers).send(body(promo, await verification(promo)));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as string;
  }
  const patch = (id: string, headers: Record<string, string>, b: Record<string, unknown>) => s.request.patch(`${BASE}/transactions/${id}`).set(headers).send(b);

  it('lets the store add invoice and PID while New or UnderReview, and nothing else', async () => {
    const id = await transaction();
    expect((await patch(id, store, { invoiceNumber: 'INV001', pid: 'PID001' })).status).toBe(200);
    expect((await patch(id, store, { netAmount: 1 })).status).toBe(403);
    // Amounts, cart, store, promotion and the verified customer are final at creation, for admin too (§4.4).
    const final = await patch(id, admin, { netAmount: 1, items: [{ sku: 'SG-01', quantity: 1, price: 1 }], customerPhone: '9999999999' });
    expect(final.status).toBe(422);
    expect(final.body.error).toMatchObject({ code: 'FIELD_LOCKED' });
    expect(final.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['$.customerPhone', '$.items', '$.netAmount']);
    expect((await patch(id, store, { invoiceNumber: 'INV-001' })).status).toBe(400); // alphanumeric only
    expect((await patch(id, store, { invoiceNumber: 'A'.repeat(31) })).status).toBe(400);
    const review = await patch(id, store, { status: 'UnderReview' });
    expect(review.body.data.status).toBe('UnderReview');
    expect((await patch(id, store, { pid: 'PID002' })).status).toBe(200);
  });

  it('leaves Verified and SettlementComplete to admin, and freezes invoice and PID after review', async () => {
    const id = await transaction();
    await patch(id, store, { status: 'UnderReview' });
    expect((await patch(id, store, { status: 'Verified' })).status).toBe(422);
    expect((await patch(id, admin, { status: 'Verified' })).body.data.status).toBe('Verified');
    const frozen = await patch(id, admin, { invoiceNumber: 'LATE1' });
    expect(frozen.status).toBe(422);
    expect(frozen.body.error.code).toBe('FIELD_LOCKED');
    expect((await patch(id, admin, { status: 'SettlementComplete' })).body.data.status).toBe('SettlementComplete');
    const timeline = await s.request.get(`/v1/apps/promopartner/records/transaction/${id}/timeline`).set(admin);
    expect(timeline.body.data.map((e: { to: string }) => e.to)).toEqual(['New', 'UnderReview', 'Verified', 'SettlementComplete']);
  });

  it('keeps invoice numbers unique per store (409), also when two race for the same number', async () => {
    const a = await transaction();
    const b = await transaction();
    const results = await Promise.all([patch(a, store, { invoiceNumber: 'RACE42' }), patch(b, store, { invoiceNumber: 'RACE42' })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    // Another store may use the same number.
    const parent = await signIn('9000000004');
    const promo = await activePromotion();
    const other = await s.request.post(`${BASE}/transactions`).set(parent).send({ ...body(promo, await verification(promo, '9876511111', parent)), storeId: 'S002' });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    expect((await patch(other.body.data.id, parent, { invoiceNumber: 'RACE42' })).status).toBe(200);
  });

  it('audits every change with who and before/after', async () => {
    const id = await transaction();
    await patch(id, store, { invoiceNumber: 'AUD1' });
    const rows = await sql<{ action: string; role: string; before: { invoiceNumber?: string } | null; after: { invoiceNumber?: string } }>("SELECT action, role, before, after FROM audit_entries WHERE record_id = $1 ORDER BY id", [id]);
    expect(rows.map((r) => r.action)).toEqual(['record.create', 'record.update']);
    expect(rows[1]).toMatchObject({ role: 'store', after: { invoiceNumber: 'AUD1' } });
  });
});
