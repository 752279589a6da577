// Scopes derived from the data (PromoPartner §4.10 "Parent Store User: access to parent and child
// stores"): the parent-store user's profile names only their store (P001); the scope's
// `orVia: { entity: store, field: parentStoreId }` adds the stores whose parent it is, at each request.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activePromotion, BASE, PHONES, seedMasterData, signIn, verification, type Headers } from '../support/promopartner.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let admin: Headers;
let promo: string;

beforeAll(async () => {
  s = await startTestServer();
  admin = await signIn(s, PHONES.admin);
  await seedMasterData(s, admin);
  promo = await activePromotion(s, admin);
});
afterAll(async () => s?.close());
// Each sign-in moves the clock past the resend window: a fresh admin session per test.
beforeEach(async () => {
  admin = await signIn(s, PHONES.admin);
});

/** A transaction at `storeId`, created by `as` (who verifies the customer). */
const create = async (as: Headers, storeId: string) =>
  s.request.post(`${BASE}/transactions`).set(as).send({
    requestId: randomUUID(),
    promotionId: promo,
    storeId,
    verificationToken: await verification(s, as, promo),
    items: [{ sku: 'LENS-BC-160', quantity: 1 }],
  });
const created = async (as: Headers, storeId: string) => {
  const res = await create(as, storeId);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
};
const storeIdsListed = async (as: Headers, query = '') => {
  const res = await s.request.get(`${BASE}/transactions?limit=100${query}`).set(as);
  expect(res.status).toBe(200);
  return [...new Set(res.body.data.items.map((t: { storeId: string }) => t.storeId))].sort();
};
const addStore = async (storeId: string, parentStoreId?: string) => {
  const res = await s.request.post(`${BASE}/stores`).set(admin).send({ storeId, name: `Store ${storeId}`, zone: 'South', ...(parentStoreId ? { parentStoreId } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
};

describe('derived scope (orVia): a parent store and its children', () => {
  it('lets a parent-store user read, list and count the child stores\' transactions, and not an unrelated store\'s (404)', async () => {
    const parent = await signIn(s, PHONES.parent);
    const store = await signIn(s, PHONES.store);
    const atChild = await created(store, 'S001');
    const atSibling = await created(parent, 'S002');
    const atParent = await created(parent, 'P001');
    const atOther = await created(admin, 'N001');

    expect((await s.request.get(`${BASE}/transactions/${atChild}`).set(parent)).status).toBe(200);
    expect((await s.request.get(`${BASE}/transactions/${atOther}`).set(parent)).status).toBe(404);
    expect(await storeIdsListed(parent)).toEqual(['P001', 'S001', 'S002']);
    // Filters narrow within the scope, never widen it.
    expect(await storeIdsListed(parent, '&storeId=N001')).toEqual([]);
    expect(await storeIdsListed(parent, '&storeId=S002')).toEqual(['S002']);
    const all = await s.request.get(`${BASE}/transactions?limit=100`).set(parent);
    const inScope = (await s.request.get(`${BASE}/transactions?limit=100`).set(admin)).body.data.items.filter((t: { storeId: string }) => ['P001', 'S001', 'S002'].includes(t.storeId));
    expect(all.body.data.items.length).toBe(inScope.length);

    // A child store's user sees their store only: not the parent's, not a sibling's.
    expect((await s.request.get(`${BASE}/transactions/${atParent}`).set(store)).status).toBe(404);
    expect((await s.request.get(`${BASE}/transactions/${atSibling}`).set(store)).status).toBe(404);
    expect(await storeIdsListed(store)).toEqual(['S001']);
  });

  it('lets the parent move and change a child store\'s transaction, never an unrelated store\'s', async () => {
    const parent = await signIn(s, PHONES.parent);
    const atChild = await created(parent, 'S001');
    const atOther = await created(admin, 'N001');
    const moved = await s.request.patch(`${BASE}/transactions/${atChild}`).set(parent).send({ status: 'UnderReview', invoiceNumber: `INV${Date.now()}` });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.data.status).toBe('UnderReview');
    expect((await s.request.patch(`${BASE}/transactions/${atOther}`).set(parent).send({ invoiceNumber: 'X1' })).status).toBe(404);
    expect((await s.request.patch(`${BASE}/transactions/${atOther}`).set(parent).send({ status: 'UnderReview' })).status).toBe(404);
    const before = await s.request.get(`${BASE}/transactions/${atOther}`).set(admin);
    expect(before.body.data.status).toBe('New');
  });

  it('refuses a parent-store user a transaction for an unrelated store (403), and stores nothing', async () => {
    const parent = await signIn(s, PHONES.parent);
    const count = async () => (await s.request.get(`${BASE}/transactions?limit=100&storeId=N001`).set(admin)).body.data.items.length;
    const before = await count();
    const res = await create(parent, 'N001');
    expect(res.status).toBe(403);
    expect(res.body.error.details[0].path).toBe('$.storeId');
    expect(await count()).toBe(before);
  });

  it('shows a new child store, and its transactions, to the parent\'s users at once — and stops when it is re-parented', async () => {
    const parent = await signIn(s, PHONES.parent);
    const storeId = `C${Date.now().toString().slice(-6)}`;
    expect((await s.request.get(`${BASE}/stores?storeId=${storeId}`).set(parent)).body.data.items).toEqual([]);
    const id = await addStore(storeId, 'P001');
    // The same session (its token names only P001): the child is visible without signing in again.
    const listed = await s.request.get(`${BASE}/stores?storeId=${storeId}`).set(parent);
    expect(listed.body.data.items.map((x: { id: string }) => x.id)).toEqual([id]);
    expect((await s.request.get(`${BASE}/stores/${id}`).set(parent)).status).toBe(200);
    const tx = await created(parent, storeId);
    expect(await storeIdsListed(parent, `&storeId=${storeId}`)).toEqual([storeId]);

    // Given another parent, the store and its transactions leave the scope at once.
    expect((await s.request.patch(`${BASE}/stores/${id}`).set(admin).send({ parentStoreId: 'N001' })).status).toBe(200);
    expect((await s.request.get(`${BASE}/stores/${id}`).set(parent)).status).toBe(404);
    expect((await s.request.get(`${BASE}/transactions/${tx}`).set(parent)).status).toBe(404);
    expect(await storeIdsListed(parent, `&storeId=${storeId}`)).toEqual([]);
  });

  it('evaluates promotions at a child store for the parent, and refuses an unrelated store', async () => {
    const parent = await signIn(s, PHONES.parent);
    const cart = (storeId: string) => ({ storeId, items: [{ sku: 'LENS-BC-160', quantity: 1 }] });
    expect((await s.request.post(`${BASE}/promotions/evaluate`).set(parent).send(cart('S002'))).status).toBe(200);
    expect((await s.request.post(`${BASE}/promotions/evaluate`).set(parent).send(cart('N001'))).status).toBe(403);
  });
});
