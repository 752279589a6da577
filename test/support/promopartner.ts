// PromoPartner master data and promotions through the API, as an admin would set them up.
import { randomUUID } from 'node:crypto';
import type { TestServer } from './test-server.ts';

export const BASE = '/promopartner/v1';
export type Headers = Record<string, string>;

/** Signs in by OTP (fixed development code); moves the clock past the resend window first. */
export async function signIn(s: TestServer, phone: string): Promise<Headers> {
  s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000);
  const req = await s.request.post(`${BASE}/auth/otp/request`).send({ phone });
  const res = await s.request.post(`${BASE}/auth/otp/verify`).send({ otpId: req.body.data.otpId, code: '123456' });
  if (res.status !== 200) throw new Error(`sign-in ${phone}: ${res.status} ${JSON.stringify(res.body)}`);
  return { Authorization: `Bearer ${res.body.data.accessToken as string}` };
}

export const PHONES = { admin: '9000000001', kam: '9000000002', store: '9000000003', parent: '9000000004' } as const;

export const STORES = [
  { storeId: 'P001', name: 'Chennai Parent', city: 'Chennai', state: 'Tamil Nadu', zone: 'South', doorType: 'flagship', serviceType: 'full', el360: true, ee: false, lis: true, pinCode: '600001' },
  { storeId: 'S001', name: 'Chennai T Nagar', city: 'Chennai', state: 'Tamil Nadu', zone: 'South', doorType: 'mall', serviceType: 'full', el360: true, ee: true, lis: false, pinCode: '600017', parentStoreId: 'P001' },
  { storeId: 'S002', name: 'Chennai Adyar', city: 'Chennai', state: 'Tamil Nadu', zone: 'South', doorType: 'high-street', serviceType: 'express', el360: false, ee: true, lis: false, pinCode: '600020', parentStoreId: 'P001' },
  { storeId: 'N001', name: 'Delhi CP', city: 'Delhi', state: 'Delhi', zone: 'North', doorType: 'mall', serviceType: 'full', el360: true, ee: false, lis: true, pinCode: '110001' },
];

export const PRODUCTS = [
  { sku: 'LENS-BC-150', name: 'Blue-cut 1.50', category: 'lens', brand: 'Lenskart', mrp: 2000, lensType: 'single-vision', lensIndex: 1.5, coating: 'blue-cut' },
  { sku: 'LENS-BC-160', name: 'Blue-cut 1.60', category: 'lens', brand: 'Lenskart', mrp: 4000, lensType: 'single-vision', lensIndex: 1.6, coating: 'blue-cut' },
  { sku: 'LENS-PG-167', name: 'Progressive 1.67', category: 'lens', brand: 'Essilor', mrp: 9000, lensType: 'progressive', lensIndex: 1.67, coating: 'anti-glare' },
  { sku: 'FR-AC-01', name: 'Acetate round', category: 'frame', brand: 'Vincent', mrp: 3000, frameMaterial: 'acetate', frameShape: 'round', gender: 'unisex' },
  { sku: 'FR-MT-02', name: 'Metal aviator', category: 'frame', brand: 'Vincent', mrp: 5000, frameMaterial: 'metal', frameShape: 'aviator', gender: 'men' },
  { sku: 'SG-01', name: 'Polarised', category: 'sunglass', brand: 'Rayban', mrp: 6000 },
];

const any = (fact: string, path: string) => ({ fact, path, operator: 'notEqual', value: '' });

export const STORE_GROUPS = [
  { code: 'ALL', name: 'Every store', filter: any('store', '$.storeId') },
  { code: 'SOUTH', name: 'South zone', filter: { all: [{ fact: 'store', path: '$.zone', operator: 'equal', value: 'South' }] } },
  { code: 'EL360', name: 'EL360 stores', filter: { fact: 'store', path: '$.el360', operator: 'equal', value: true } },
];

export const PRODUCT_GROUPS = [
  { code: 'LENSES', name: 'Lenses', filter: { fact: 'product', path: '$.category', operator: 'equal', value: 'lens' } },
  { code: 'FRAMES', name: 'Frames', filter: { fact: 'product', path: '$.category', operator: 'equal', value: 'frame' } },
  { code: 'BLUECUT', name: 'Blue-cut lenses', filter: { all: [{ fact: 'product', path: '$.category', operator: 'equal', value: 'lens' }, { fact: 'product', path: '$.coating', operator: 'equal', value: 'blue-cut' }] } },
];

async function post(s: TestServer, admin: Headers, path: string, body: object, existing = false) {
  const res = await s.request.post(`${BASE}${path}`).set(admin).send(body);
  if (existing && res.status === 409) return {} as { id: string };
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as Record<string, unknown> & { id: string };
}

export async function seedMasterData(s: TestServer, admin: Headers): Promise<void> {
  // A test may have made some of these stores already (scopes); the rest are added.
  for (const st of STORES) await post(s, admin, '/stores', st, true);
  for (const p of PRODUCTS) await post(s, admin, '/products', p);
  for (const g of STORE_GROUPS) await post(s, admin, '/store-groups', g);
  for (const g of PRODUCT_GROUPS) await post(s, admin, '/product-groups', g);
}

export const today = (s: TestServer) => s.clock.now.toISOString().slice(0, 10);
export const daysFrom = (s: TestServer, days: number) => new Date(s.clock.now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/** A complete draft: 10% off lenses in every store, from today for 30 days. */
export function promotionBody(s: TestServer, overrides: Record<string, unknown> = {}) {
  return {
    name: `Promo ${randomUUID().slice(0, 8)}`,
    benefit: { type: 'percentOff', value: 10, productGroup: 'LENSES' },
    storeGroupCode: 'ALL',
    startDate: today(s),
    endDate: daysFrom(s, 30),
    ...overrides,
  };
}

export async function createPromotion(s: TestServer, admin: Headers, overrides: Record<string, unknown> = {}): Promise<string> {
  return (await post(s, admin, '/promotions', promotionBody(s, overrides))).id;
}

export async function activePromotion(s: TestServer, admin: Headers, overrides: Record<string, unknown> = {}): Promise<string> {
  const id = await createPromotion(s, admin, overrides);
  const res = await s.request.put(`${BASE}/promotions/${id}/activate`).set(admin);
  if (res.status !== 200) throw new Error(`activate: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}

/** A customer verification for a promotion, as the store user gets it (fixed development code). */
export async function verification(s: TestServer, store: Headers, promotionId: string, phone = '9876511111'): Promise<string> {
  const sent = await s.request.post(`${BASE}/promotions/${promotionId}/request-cust-otp`).set(store).send({ phone });
  const ok = await s.request.post(`${BASE}/promotions/${promotionId}/verify-cust-otp`).set(store).send({ otpId: sent.body.data.otpId, code: '123456' });
  if (ok.status !== 200) throw new Error(`verify-cust-otp: ${ok.status} ${JSON.stringify(ok.body)}`);
  return ok.body.data.verificationToken as string;
}

/** A New transaction at the store user's store (one lens and one frame). */
export async function createTransaction(s: TestServer, store: Headers, promotionId: string): Promise<Record<string, unknown> & { id: string }> {
  const res = await s.request.post(`${BASE}/transactions`).set(store).send({
    requestId: randomUUID(),
    promotionId,
    verificationToken: await verification(s, store, promotionId),
    items: [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-AC-01', quantity: 1 }],
  });
  if (res.status !== 201) throw new Error(`POST /transactions: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as Record<string, unknown> & { id: string };
}
