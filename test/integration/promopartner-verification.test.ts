// The customer verification (§4.1.4–4.1.5) and what it guards (§4.4): one verification, one
// transaction, for the user who obtained it; resend limits and a lockout for customer codes; the
// console and prices within what the definitions allow; invoice numbers unique ignoring case.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { activePromotion, BASE, createTransaction, PHONES, seedMasterData, signIn, verification, type Headers } from '../support/promopartner.ts';

let s: TestServer;
let admin: Headers;
let store: Headers;
let parent: Headers;
let promo: string;
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

beforeAll(async () => {
  s = await startTestServer();
  admin = await signIn(s, PHONES.admin);
  store = await signIn(s, PHONES.store);
  parent = await signIn(s, PHONES.parent);
  await seedMasterData(s, admin);
  promo = await activePromotion(s, admin);
});
afterAll(async () => s?.close());
// Fresh sessions per test: the tests move the fake clock by more than an access token's hour.
beforeEach(async () => {
  admin = await signIn(s, PHONES.admin);
  store = await signIn(s, PHONES.store);
  parent = await signIn(s, PHONES.parent);
});

const cart = [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-AC-01', quantity: 1 }];
const create = (as: Headers, token: string, extra: Record<string, unknown> = {}) =>
  s.request.post(`${BASE}/transactions`).set(as).send({ requestId: randomUUID(), promotionId: promo, verificationToken: token, items: cart, ...extra });
const requestCode = (as: Headers, phone: string) => s.request.post(`${BASE}/promotions/${promo}/request-cust-otp`).set(as).send({ phone });
const verifyCode = (as: Headers, otpId: string, code: string) => s.request.post(`${BASE}/promotions/${promo}/verify-cust-otp`).set(as).send({ otpId, code });

describe('one customer verification, one transaction', () => {
  it('lets exactly one of 5 parallel transactions on one verification through; the others answer 409', async () => {
    const token = await verification(s, store, promo, '9876520001');
    const results = await Promise.all(Array.from({ length: 5 }, () => create(store, token)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'CONFLICT')).toBe(true);
    const listed = await s.request.get(`${BASE}/transactions?promotionId=${promo}`).set(admin);
    expect(listed.body.data.items.filter((t: { customerPhone: string }) => t.customerPhone === '9876520001')).toHaveLength(1);
  });

  it('refuses a verification obtained by another user (403), and stores nothing', async () => {
    const token = await verification(s, store, promo, '9876520002');
    const res = await create(parent, token, { storeId: 'S002' });
    expect(res.status).toBe(403);
    expect(res.body.error.details).toEqual([{ path: '$.verificationToken', message: 'Not yours' }]);
    // The rightful user can still spend it.
    expect((await create(store, token)).status).toBe(201);
  });

  it('refuses a store the user did not hold when verifying', async () => {
    // The parent-store user is given N001 (a new session says so) while a session without it
    // verifies the customer: the verification does not cover N001.
    const narrow = await signIn(s, PHONES.parent);
    await sql("UPDATE users SET attributes = '{\"storeIds\": [\"P001\", \"S001\", \"S002\", \"N001\"]}' WHERE app = 'promopartner' AND phone = $1", [PHONES.parent]);
    const widened = await signIn(s, PHONES.parent);
    const token = await verification(s, narrow, promo, '9876520003');
    const res = await create(widened, token, { storeId: 'N001' });
    expect(res.status).toBe(403);
    expect(res.body.error.details).toEqual([{ path: '$.storeId', message: 'Outside the verification' }]);
    expect((await create(widened, token, { storeId: 'S002' })).status).toBe(201);
    await sql("UPDATE users SET attributes = '{\"storeIds\": [\"P001\", \"S001\", \"S002\"]}' WHERE app = 'promopartner' AND phone = $1", [PHONES.parent]);
  });

  it('keeps only verified contacts: a contact the client sends that was not verified is dropped', async () => {
    const token = await verification(s, store, promo, '9876520004');
    const res = await create(store, token, { customerEmail: 'someone@example.com', customerPhone: '9999999999' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.customerPhone).toBe('9876520004');
    expect(res.body.data.customerEmail).toBeUndefined();
  });
});

describe('customer codes (policy customer-verification)', () => {
  it('sends the first code and 3 resends per 15 minutes to one customer, then answers 429', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await requestCode(store, '9876530001')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    // Another customer is not held up.
    expect((await requestCode(store, '9876530002')).status).toBe(200);
    s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000);
    expect((await requestCode(store, '9876530001')).status).toBe(200);
  });

  it('locks a customer after 5 wrong codes within 15 minutes, across new codes: 423 even for the right code', async () => {
    const phone = '9876530003';
    const first = (await requestCode(store, phone)).body.data.otpId as string;
    for (let i = 0; i < 3; i++) expect((await verifyCode(store, first, '000000')).status).toBe(401);
    const second = (await requestCode(store, phone)).body.data.otpId as string;
    expect((await verifyCode(store, second, '000000')).status).toBe(401);
    expect((await verifyCode(store, second, '000000')).status).toBe(401);
    const locked = await verifyCode(store, second, '123456');
    expect(locked.status).toBe(423);
    expect((await requestCode(store, phone)).status).toBe(423);
    s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000);
    const third = (await requestCode(store, phone)).body.data.otpId as string;
    expect((await verifyCode(store, third, '123456')).status).toBe(200);
  });
});

describe('scopes and prices', () => {
  it('answers the test console for a store group only through the user’s own stores in it', async () => {
    const north = await s.request.post(`${BASE}/store-groups`).set(admin).send({ code: 'NORTH', name: 'North', filter: { fact: 'store', path: '$.zone', operator: 'equal', value: 'North' } });
    expect(north.status).toBe(201);
    const body = (storeGroup: string) => ({ storeGroup, selections: { lens: { coating: 'blue-cut' } } });
    const outside = await s.request.post(`${BASE}/promotions/evaluate`).set(store).send(body('NORTH'));
    expect(outside.status).toBe(403);
    const own = await s.request.post(`${BASE}/promotions/evaluate`).set(store).send(body('SOUTH'));
    expect(own.status).toBe(200);
    expect(own.body.data.store).toBe('S001');
    // Admin is not scoped: the group's first store stands for it.
    expect((await s.request.post(`${BASE}/promotions/evaluate`).set(admin).send(body('NORTH'))).body.data.store).toBe('N001');
  });

  it('prices at the list price, takes a lower sent price, and refuses one above the list price or not above 0', async () => {
    const evaluate = (price?: number) => s.request.post(`${BASE}/promotions/evaluate`).set(store).send({ storeId: 'S001', items: [{ sku: 'LENS-BC-160', quantity: 1, ...(price === undefined ? {} : { price }) }] });
    expect((await evaluate()).body.data.cart.total).toBe(4000);
    expect((await evaluate(3500)).body.data.cart.total).toBe(3500);
    for (const price of [4001, 0]) {
      const res = await evaluate(price);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ path: '$.items[0].price', message: 'A price for "LENS-BC-160" must be above 0 and at most its list price 4000' }]);
    }
    // The same bound holds when a transaction is priced.
    const refused = await create(store, await verification(s, store, promo, '9876540001'), { items: [{ sku: 'LENS-BC-160', quantity: 1, price: 99999 }] });
    expect(refused.status).toBe(400);
  });
});

describe('invoice numbers (§4.5)', () => {
  it('treats inv001 and INV001 as one invoice at one store (409)', async () => {
    const a = await createTransaction(s, store, promo);
    const b = await createTransaction(s, store, promo);
    expect((await s.request.patch(`${BASE}/transactions/${a.id}`).set(store).send({ invoiceNumber: 'inv001' })).status).toBe(200);
    const clash = await s.request.patch(`${BASE}/transactions/${b.id}`).set(store).send({ invoiceNumber: 'INV001' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('DUPLICATE');
  });
});
