// Every seed alias and its generic equivalent give the same answer to the same request, allowed or
// refused: the rules are the definitions', enforced by the engine, never a property of a route.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { activePromotion, BASE, PHONES, seedMasterData, signIn, type Headers } from '../support/promopartner.ts';

let s: TestServer;
let admin: Headers;
let store: Headers;
let kam: Headers;
let promo: string;
let mobile = 9876100000;
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

beforeAll(async () => {
  s = await startTestServer();
  admin = await signIn(s, PHONES.admin);
  store = await signIn(s, PHONES.store);
  kam = await signIn(s, PHONES.kam);
  await seedMasterData(s, admin);
  promo = await activePromotion(s, admin);
});
afterAll(async () => s?.close());

const GENERIC = '/v1/apps/promopartner';

/** A fresh customer verification per request (each verification creates one transaction). */
let customer = 9876500000;
async function verification(route: 'alias' | 'generic', as: Headers = store): Promise<string> {
  // Each verification for its own customer, so resend limits do not get in the way.
  const phone = String(customer++);
  const base = route === 'alias' ? `${BASE}/promotions/${promo}` : `${GENERIC}/records/promotion/${promo}/otp/customer-verification`;
  const sent = await s.request.post(`${base}/${route === 'alias' ? 'request-cust-otp' : 'request'}`).set(as).send({ phone });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const ok = await s.request.post(`${base}/${route === 'alias' ? 'verify-cust-otp' : 'verify'}`).set(as).send({ otpId: sent.body.data.otpId, code: '123456' });
  expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  return ok.body.data.verificationToken as string;
}

const cart = [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-AC-01', quantity: 1 }];
const createAt = (route: 'alias' | 'generic') => (route === 'alias' ? `${BASE}/transactions` : `${GENERIC}/records/transaction`);

interface Outcome {
  status: number;
  code?: string;
}
const outcome = (res: { status: number; body: { error?: { code?: string } } }): Outcome => ({ status: res.status, ...(res.body.error?.code ? { code: res.body.error.code } : {}) });

type Case = { name: string; expected: Outcome; run(route: 'alias' | 'generic'): Promise<Outcome> };

const cases: Case[] = [
  {
    name: 'a transaction without the customer verification',
    expected: { status: 400, code: 'VALIDATION_FAILED' },
    run: async (route) => outcome(await s.request.post(createAt(route)).set(store).send({ requestId: randomUUID(), promotionId: promo, items: cart })),
  },
  {
    name: 'a transaction that names its own discount',
    expected: { status: 400, code: 'VALIDATION_FAILED' },
    run: async (route) => outcome(await s.request.post(createAt(route)).set(store).send({ requestId: randomUUID(), promotionId: promo, verificationToken: await verification(route), items: cart, discountAmount: 999999 })),
  },
  {
    name: 'a transaction without a request id',
    expected: { status: 400, code: 'VALIDATION_FAILED' },
    run: async (route) => outcome(await s.request.post(createAt(route)).set(store).send({ promotionId: promo, verificationToken: await verification(route), items: cart })),
  },
  {
    name: 'a verified transaction (amounts computed by the server)',
    expected: { status: 201 },
    run: async (route) => {
      const res = await s.request.post(createAt(route)).set(store).send({ requestId: randomUUID(), promotionId: promo, verificationToken: await verification(route), items: cart });
      expect(res.body.data).toMatchObject({ storeId: 'S001', grossAmount: 7000, discountAmount: 400, netAmount: 6600, status: 'New' });
      return outcome(res);
    },
  },
  {
    name: 'a repeated request id',
    expected: { status: 409, code: 'DUPLICATE_REQUEST' },
    run: async (route) => {
      const body = { requestId: randomUUID(), promotionId: promo, verificationToken: await verification(route), items: cart };
      expect((await s.request.post(createAt(route)).set(store).send(body)).status).toBe(201);
      return outcome(await s.request.post(createAt(route)).set(store).send(body));
    },
  },
  {
    name: 'a second transaction on one verification',
    expected: { status: 409, code: 'CONFLICT' },
    run: async (route) => {
      const token = await verification(route);
      expect((await s.request.post(createAt(route)).set(store).send({ requestId: randomUUID(), promotionId: promo, verificationToken: token, items: cart })).status).toBe(201);
      return outcome(await s.request.post(createAt(route)).set(store).send({ requestId: randomUUID(), promotionId: promo, verificationToken: token, items: cart }));
    },
  },
  {
    name: 'a store user setting Verified with an invoice number (all or nothing)',
    expected: { status: 422, code: 'INVALID_TRANSITION' },
    run: async (route) => {
      const created = await s.request.post(`${BASE}/transactions`).set(store).send({ requestId: randomUUID(), promotionId: promo, verificationToken: await verification('alias'), items: cart });
      const id = created.body.data.id as string;
      const at = route === 'alias' ? `${BASE}/transactions/${id}` : `${GENERIC}/records/transaction/${id}`;
      const res = await s.request.patch(at).set(store).send({ invoiceNumber: `INV${customer}`, status: 'Verified' });
      // Nothing stored, no version moved; the refused attempt is in the audit log.
      const after = await s.request.get(`${BASE}/transactions/${id}`).set(store);
      expect(after.body.data).toMatchObject({ status: 'New', version: 1 });
      expect(after.body.data.invoiceNumber).toBeUndefined();
      const audit = await sql<{ outcome: string }>("SELECT outcome FROM audit_entries WHERE record_id = $1 AND outcome = 'refused'", [id]);
      expect(audit).toHaveLength(1);
      return outcome(res);
    },
  },
  {
    name: 'a store user adding an invoice number while sending the transaction for review',
    expected: { status: 200 },
    run: async (route) => {
      const created = await s.request.post(`${BASE}/transactions`).set(store).send({ requestId: randomUUID(), promotionId: promo, verificationToken: await verification('alias'), items: cart });
      const id = created.body.data.id as string;
      const at = route === 'alias' ? `${BASE}/transactions/${id}` : `${GENERIC}/records/transaction/${id}`;
      const res = await s.request.patch(at).set(store).send({ invoiceNumber: `INV${customer}`, status: 'UnderReview' });
      expect(res.body.data).toMatchObject({ status: 'UnderReview', invoiceNumber: `INV${customer}`, version: 2 });
      return outcome(res);
    },
  },
  {
    name: 'a KAM (read-only) asking for a customer code',
    expected: { status: 403, code: 'FORBIDDEN' },
    run: async (route) => {
      const at = route === 'alias' ? `${BASE}/promotions/${promo}/request-cust-otp` : `${GENERIC}/records/promotion/${promo}/otp/customer-verification/request`;
      return outcome(await s.request.post(at).set(kam).send({ phone: '9876599999' }));
    },
  },
  {
    name: 'a KAM (read-only) verifying a customer code',
    expected: { status: 403, code: 'FORBIDDEN' },
    run: async (route) => {
      const at = route === 'alias' ? `${BASE}/promotions/${promo}/verify-cust-otp` : `${GENERIC}/records/promotion/${promo}/otp/customer-verification/verify`;
      return outcome(await s.request.post(at).set(kam).send({ otpId: randomUUID(), code: '123456' }));
    },
  },
  {
    name: 'eKYC: the mobile step without its code',
    expected: { status: 400, code: 'VALIDATION_FAILED' },
    run: async (route) => ekycVerify(route, undefined),
  },
  {
    name: 'eKYC: the mobile step with a wrong code',
    expected: { status: 401, code: 'OTP_INVALID' },
    run: async (route) => ekycVerify(route, '9999'),
  },
  {
    name: 'eKYC: the mobile step with the code sent',
    expected: { status: 200 },
    run: async (route) => ekycVerify(route, '1234'),
  },
  {
    name: 'Solarium: a CP skipping straight to won',
    expected: { status: 422, code: 'INVALID_TRANSITION' },
    run: async (route) => {
      const cp = { Authorization: `Bearer ${await s.login('cp1@solarium.test')}` };
      const lead = await s.request.post('/solarium/leads').set(cp).send({ name: 'Ravi Kumar', phone: String(mobile++), city: 'Pune' });
      const id = lead.body.data.id as string;
      const res = route === 'alias'
        ? await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'won' })
        : await s.request.post(`/v1/apps/solarium/records/lead/${id}/events/won`).set(cp).send({});
      return outcome(res);
    },
  },
];

async function ekycVerify(route: 'alias' | 'generic', code: string | undefined): Promise<Outcome> {
  const signup = await s.request.post('/ekyc/api/v1/registration/signup').send({ mobileNumber: String(mobile++), fullName: 'John Doe', consentTerms: true, consentBankAutoverify: false });
  const leadId = signup.body.data.leadId as string;
  const journey = { Authorization: `Bearer ${signup.headers['x-session-token']}` };
  const input = code === undefined ? {} : { otp: code };
  const res = route === 'alias'
    ? await s.request.post('/ekyc/api/v1/registration/verify-otp').set(journey).send({ leadId, ...input })
    : await s.request.post(`/v1/apps/ekyc/records/lead/${leadId}/events/verify_mobile`).set(journey).send({ input });
  const state = await sql<{ state: string; version: number }>('SELECT state, version FROM records WHERE id = $1', [leadId]);
  expect(state[0]).toEqual(code === '1234' ? { state: 'MOBILE_VERIFIED', version: 2 } : { state: 'INITIATED', version: 1 });
  // The code is checked, never kept with the move.
  const timeline = await sql<{ input: unknown }>('SELECT input FROM timeline_entries WHERE record_id = $1', [leadId]);
  expect(JSON.stringify(timeline)).not.toContain('1234');
  return outcome(res);
}

describe('the same rules whatever the route', () => {
  for (const c of cases) {
    it(`answers ${c.name} alike on the seed route and the generic route`, async () => {
      const alias = await c.run('alias');
      const generic = await c.run('generic');
      expect({ alias, generic }).toEqual({ alias: c.expected, generic: c.expected });
    });
  }
});
