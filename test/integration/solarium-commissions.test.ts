// Solarium quotations and commissions (seed 001 §3.3, §3.6, §4.3, §4.5): a quotation is stored
// once with the server's figures (line totals, GST, the subsidy by capacity slabs) and its PDF; executing a lead creates its Pending commission from its quotation in the same
// transaction; the admin approves and pays it (Paid needs the UTR, the date and the method); a CP
// sees only theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quotationWizard } from '../support/solarium.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });
let cp1Id: string;

beforeAll(async () => {
  s = await startTestServer();
  expect(s.engine.loadReport.refused).toEqual([]);
  const users = (await s.request.get('/v1/apps/solarium/users?role=cp').set(await auth('admin@solarium.test'))).body.data as { id: string; email: string }[];
  cp1Id = users.find((u) => u.email === 'cp1@solarium.test')!.id;
});
afterAll(async () => {
  await s?.close();
});

const wizard = (leadId: string, extra: Record<string, unknown> = {}) => quotationWizard(leadId, { assignedCp: cp1Id, ...extra });

async function leadAt(status: string, phone: string) {
  const cp = await auth('cp1@solarium.test');
  const lead = (await s.request.post('/solarium/leads').set(cp).send({ name: 'Ravi', phone, city: 'Pune', capacityKw: 3 })).body.data;
  const path = ['in_discussion', 'quotation_shared', 'won', 'executed'];
  for (const newStatus of path.slice(0, path.indexOf(status) + 1)) expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(cp).send({ newStatus })).status).toBe(200);
  return lead.id as string;
}

describe('quotations', () => {
  it('stores the final wizard payload with the server’s figures and answers quotationReference', async () => {
    const cp = await auth('cp1@solarium.test');
    const leadId = await leadAt('in_discussion', '9822200001');
    const res = await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // 87,000 + 38,000 + 25,000 = 150,000; GST 8.9 % = 13,350; subsidy for 3 kW = 60,000 + 18,000.
    expect(res.body.data).toEqual({ quotationReference: expect.stringMatching(/^[0-9a-f-]{36}$/), total: 163350, subsidy: 78000, netPayable: 85350 });
    const stored = (await s.request.get(`/solarium/quotations/${res.body.data.quotationReference}`).set(cp)).body.data;
    expect(stored).toMatchObject({ subtotal: 150000, gst: 13350, panelKw: 3.24 });
  });

  it('checks the payload across fields: the single-phase limit, panels that cover the capacity (and not one too many)', async () => {
    const cp = await auth('cp1@solarium.test');
    const leadId = await leadAt('in_discussion', '9822200009');
    const tooBig = await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId, { capacityKw: 8, panelCount: 15 }));
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error).toMatchObject({ code: 'QUOTATION_PHASE_LIMIT', details: [{ path: '$.capacityKw', message: 'A single-phase connection takes at most 7 kW; quote three phase above that' }] });
    expect((await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId, { capacityKw: 8, panelCount: 15, phase: 'three' }))).status).toBe(200);
    const short = await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId, { panelCount: 5 }));
    expect(short.body.error.details).toEqual([{ path: '$.panelCount', message: 'The panels do not cover the capacity quoted' }]);
    const extra = await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId, { panelCount: 7 }));
    expect(extra.body.error.details).toEqual([{ path: '$.panelCount', message: 'One panel fewer would still cover the capacity quoted' }]);
  });

  it('refuses a client’s own figures, and never edits a stored quotation', async () => {
    const cp = await auth('cp1@solarium.test');
    const leadId = await leadAt('in_discussion', '9822200002');
    const refused = await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId, { total: 1 }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ path: '$.total', message: '"total" is computed by the server; leave it out' }]);
    const made = (await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId))).body.data;
    const admin = await auth('admin@solarium.test');
    const edit = await s.request.patch(`/v1/apps/solarium/records/quotation/${made.quotationReference}`).set(admin).send({ capacityKw: 2 });
    // No role may update a quotation (and every field is immutable besides): a new one supersedes it.
    expect(edit.status, JSON.stringify(edit.body)).toBe(403);
    expect(edit.body.error.message).toBe('Role "admin" may not update quotation records');
  });
});

describe('commissions', () => {
  it('creates a Pending commission when a lead with a quotation is executed; the CP sees only theirs', async () => {
    const cp = await auth('cp1@solarium.test');
    const leadId = await leadAt('won', '9822200003');
    const quotation = (await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId))).body.data;
    expect((await s.request.patch(`/v1/apps/solarium/records/lead/${leadId}`).set(cp).send({ quotationId: quotation.quotationReference })).status).toBe(200);
    expect((await s.request.patch(`/solarium/leads/${leadId}/status`).set(cp).send({ newStatus: 'executed' })).status).toBe(200);
    const mine = (await s.request.get('/solarium/commissions').set(cp)).body.data.items;
    // Project value 163,350 at 3 % (up to 3 lakh).
    expect(mine).toEqual([expect.objectContaining({ leadId, quotationId: quotation.quotationReference, cp: cp1Id, projectValue: 163350, rate: 0.03, amount: 4901, currency: 'INR', status: 'pending' })]);
    expect((await s.request.get('/solarium/commissions').set(await auth('cp2@solarium.test'))).body.data.items).toEqual([]);
  });

  it('executes a lead without a quotation without a commission', async () => {
    const leadId = await leadAt('executed', '9822200004');
    const all = (await s.request.get('/solarium/commissions').set(await auth('admin@solarium.test'))).body.data.items;
    expect(all.some((c: { leadId: string }) => c.leadId === leadId)).toBe(false);
  });

  it('lets the admin approve, then pay with UTR, date and method; refuses a payment without them and anyone else', async () => {
    const admin = await auth('admin@solarium.test');
    const [commission] = (await s.request.get('/solarium/commissions').set(admin)).body.data.items;
    const url = `/solarium/commissions/${commission.id}/approveOrPay`;
    expect((await s.request.post(url).set(await auth('kam@solarium.test')).send({})).status).toBe(403);
    expect((await s.request.post(url).set(await auth('cp1@solarium.test')).send({})).status).toBe(403);
    const approved = await s.request.post(url).set(admin).send({});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.data.status).toBe('approved');
    const unpaid = await s.request.post(url).set(admin).send({ input: { utr: 'UTR12345678' } });
    expect(unpaid.status, JSON.stringify(unpaid.body)).toBe(422);
    const paid = await s.request.post(url).set(admin).send({ input: { utr: 'UTR12345678', paymentDate: '2026-11-30', paymentMethod: 'NEFT' } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.data).toMatchObject({ status: 'paid', utr: 'UTR12345678', paymentDate: '2026-11-30', paymentMethod: 'NEFT' });
    const again = await s.request.post(url).set(admin).send({ input: { utr: 'UTR12345678', paymentDate: '2026-11-30', paymentMethod: 'NEFT' } });
    expect(again.status, JSON.stringify(again.body)).toBe(422);
  });

  it('is in the CP’s sync bundle with their leads and quotations', async () => {
    const bundle = (await s.request.get('/solarium/sync').set(await auth('cp1@solarium.test'))).body.data.entities;
    expect(Object.keys(bundle)).toEqual(['lead', 'quotation', 'commission']);
    expect(bundle.commission.every((c: { cp: string }) => c.cp === cp1Id)).toBe(true);
    expect(bundle.quotation.length).toBeGreaterThan(0);
  });
});
