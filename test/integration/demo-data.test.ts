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
    expect(await s.engine.seedDemoData()).toMatchObject({ promopartner: 19, solarium: 17 });
    expect(await s.engine.seedDemoData()).toMatchObject({ promopartner: 0, solarium: 0 });
    const store = await signIn(s, PHONES.store);
    const res = await s.request.post(`${BASE}/promotions/evaluate`).set(store).send({ storeId: 'S001', items: [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-MT-02', quantity: 1 }] });
    expect(res.body.data.promotions.map((p: { savings: number }) => p.savings)).toEqual([2500, 400]);
    const drafts = await s.request.get(`${BASE}/promotions?status=draft`).set(store);
    expect(drafts.body.data.items).toHaveLength(1);
  });

  it('gives Solarium a lead in every state, a service request assigned to the CP of its city, quotations with their PDFs, documents under review and a commission in each state', async () => {
    const admin = { Authorization: `Bearer ${await s.login('admin@solarium.test')}` };
    const leads = (await s.request.get('/v1/apps/solarium/records/lead?limit=100').set(admin)).body.data.items as { id: string; status: string; phone: string }[];
    const states = s.engine.registry().apps.get('solarium')!.entities.get('lead')!.workflow!.definition.states;
    expect(new Set(leads.map((l) => l.status))).toEqual(new Set(Object.keys(states)));
    const quotations = (await s.request.get('/v1/apps/solarium/records/quotation?limit=100').set(admin)).body.data.items as { id: string; pdf: { sha256: string } }[];
    expect(quotations).toHaveLength(4);
    for (const q of quotations) expect(q.pdf.sha256).toMatch(/^[0-9a-f]{64}$/);
    const commissions = (await s.request.get('/solarium/commissions').set(admin)).body.data.items as { status: string; utr?: string }[];
    expect(commissions.map((c) => c.status).sort()).toEqual(['approved', 'paid', 'pending']);
    // The customer's service request went to the CP of its city (the lead's assignment rule).
    const request = leads.find((l) => l.phone === '9810000009') as unknown as { source: string; customer: string; assignedCp: string };
    const cp2 = await s.request.post('/solarium/auth/login').send({ email: 'cp2@solarium.test', password: 'demo1234' });
    expect(request).toMatchObject({ source: 'customer_app', customer: 'customer1@solarium.test', assignedCp: cp2.body.data.user.id });
    const discussing = leads.find((l) => l.phone === '9810000002')!;
    const docs = (await s.request.get(`/solarium/leads/${discussing.id}/docs`).set(admin)).body.data as { status: string; contentType: string }[];
    expect(docs.map((d) => [d.status, d.contentType]).sort()).toEqual([['approved', 'application/pdf'], ['pending_review', 'application/pdf'], ['rejected', 'image/png']]);
  });
});
