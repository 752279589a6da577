// Solarium quotation sharing and acceptance (seed 001 §3.7, §4.3 step 5, §5 CUSTAP), from
// definitions only: the CP shares a quotation (sharedWithCustomer), the lead's customer then sees it
// and accepts it, which moves the lead to Customer Accepted in the same transaction through the
// `move` effect — as the customer's own move on their own lead, so whatever the lead refuses
// refuses the acceptance and nothing is written.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../support/sql.ts';
import { quotationWizard } from '../support/solarium.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let cp1Id: string;
let phoneSeq = 9833300000;
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);
const G = '/v1/apps/solarium/records';
const CUSTOMER = 'customer1@solarium.test';
const OTHER_CUSTOMER = 'customer2@solarium.test';

beforeAll(async () => {
  s = await startTestServer();
  expect(s.engine.loadReport.refused).toEqual([]);
  const admin = await auth('admin@solarium.test');
  const users = (await s.request.get('/v1/apps/solarium/users?role=cp').set(admin)).body.data as { id: string; email: string }[];
  cp1Id = users.find((u) => u.email === 'cp1@solarium.test')!.id;
  const made = await s.request.post('/v1/apps/solarium/users').set(admin).send({ email: OTHER_CUSTOMER, role: 'customer', displayName: 'Other customer', password: 'demo1234' });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
});
afterAll(async () => {
  await s?.close();
});

const wizard = (leadId: string, extra: Record<string, unknown> = {}) =>
  quotationWizard(leadId, { assignedCp: cp1Id, customer: CUSTOMER, lines: [{ label: 'Panels and installation', qty: 1, unitPrice: 150000 }], ...extra });

/** A lead of cp1 for `customer`, moved by cp1 along `path`, and a quotation for it. */
async function leadWithQuotation(path: string[] = ['in_discussion', 'quotation_shared'], customer = CUSTOMER, quotation: Record<string, unknown> = {}) {
  const cp = await auth('cp1@solarium.test');
  const lead = (await s.request.post('/solarium/leads').set(cp).send({ name: 'Ravi', phone: String(phoneSeq++), city: 'Pune', customer })).body.data;
  for (const newStatus of path) expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(cp).send({ newStatus })).status).toBe(200);
  const made = await s.request.post('/solarium/quotations').set(cp).send(wizard(lead.id, { customer, ...quotation }));
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  return { leadId: lead.id as string, quotationId: made.body.data.quotationReference as string };
}

const versions = async (...ids: string[]) => (await sql<{ id: string; version: number; state: string }>('SELECT id::text, version, state FROM records WHERE id = ANY($1::uuid[]) ORDER BY entity', [ids])).map((r) => `${r.state}@${r.version}`);
const timelineOf = async (entity: string, id: string) => (await sql<{ event: string; role: string; remarks: string | null }>('SELECT event, role, remarks FROM timeline_entries WHERE record_id = $1::uuid ORDER BY at, id', [id])).map((e) => `${entity}:${e.event}:${e.role}`);

describe('quotation sharing', () => {
  it('is issued on creation, and the CP shares it: sharedWithCustomer is set, the customer may now read it', async () => {
    const { quotationId } = await leadWithQuotation();
    const cp = await auth('cp1@solarium.test');
    const before = await s.request.get(`/solarium/quotations/${quotationId}`).set(cp);
    expect(before.body.data).toMatchObject({ status: 'issued', customer: CUSTOMER, allowedEvents: ['share', 'supersede'] });
    expect(before.body.data.sharedWithCustomer).toBeUndefined();
    // Not shared yet: the customer does not see it.
    expect((await s.request.get(`/solarium/quotations/${quotationId}`).set(await auth(CUSTOMER))).status).toBe(404);
    const shared = await s.request.post(`/solarium/quotations/${quotationId}/share`).set(cp).send({});
    expect(shared.status, JSON.stringify(shared.body)).toBe(200);
    expect(shared.body.data).toMatchObject({ status: 'shared', sharedWithCustomer: true, sharedWith: CUSTOMER, transition: { event: 'share', from: 'issued', to: 'shared' } });
    const seen = await s.request.get(`/solarium/quotations/${quotationId}`).set(await auth(CUSTOMER));
    expect(seen.status).toBe(200);
    expect(seen.body.data).toMatchObject({ status: 'shared', allowedEvents: ['accept'] });
    // The wizard's fields are still as stored; only the state and what sharing sets changed.
    expect(seen.body.data).toMatchObject({ capacityKw: 3, total: before.body.data.total, pdf: before.body.data.pdf });
  });

  it('refuses another CP (outside their scope) and the customer, and does not share twice', async () => {
    const { quotationId } = await leadWithQuotation();
    // Outside one's scope reads as missing (404), for another CP and for the customer before it is shared.
    const other = await s.request.post(`/solarium/quotations/${quotationId}/share`).set(await auth('cp2@solarium.test')).send({});
    expect(other.status).toBe(404);
    const byCustomer = await s.request.post(`/solarium/quotations/${quotationId}/share`).set(await auth(CUSTOMER)).send({});
    expect(byCustomer.status).toBe(404);
    expect((await s.request.post(`/v1/apps/solarium/records/quotation/${quotationId}/events/share`).set(await auth('kam@solarium.test')).send({})).status).toBe(200);
    const again = await s.request.post(`/solarium/quotations/${quotationId}/share`).set(await auth('cp1@solarium.test')).send({});
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('INVALID_TRANSITION');
  });

  it('refuses a quotation created as shared, and sharing one that names no customer', async () => {
    const cp = await auth('cp1@solarium.test');
    const { leadId } = await leadWithQuotation();
    const claimed = await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId, { sharedWithCustomer: true, sharedWith: CUSTOMER }));
    expect(claimed.status).toBe(400);
    expect(claimed.body.error.details).toEqual([{ path: '$.sharedWithCustomer', message: 'A quotation is shared by the share move, not when it is created' }]);
    const { customer: _none, ...anonymous } = wizard(leadId);
    const made = (await s.request.post('/solarium/quotations').set(cp).send(anonymous)).body.data;
    const share = await s.request.post(`/solarium/quotations/${made.quotationReference}/share`).set(cp).send({});
    expect(share.status).toBe(400);
    expect(share.body.error.details).toEqual([{ path: '$.customer', message: 'The quotation names no customer to share it with' }]);
    expect(await versions(made.quotationReference)).toEqual(['issued@1']);
  });
});

describe('customer acceptance (the move effect)', () => {
  it('accepts a shared quotation and moves the lead to customer_accepted in the same request, each with its timeline entry', async () => {
    const { leadId, quotationId } = await leadWithQuotation();
    expect((await s.request.post(`/solarium/quotations/${quotationId}/share`).set(await auth('cp1@solarium.test')).send({})).status).toBe(200);
    const accepted = await s.request.post(`/solarium/quotations/${quotationId}/accept`).set(await auth(CUSTOMER)).send({});
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.data).toMatchObject({ status: 'accepted', transition: { event: 'accept', from: 'shared', to: 'accepted' } });
    const lead = (await s.request.get(`/solarium/leads/${leadId}`).set(await auth('cp1@solarium.test'))).body.data;
    expect(lead).toMatchObject({ status: 'customer_accepted', remarks: `Quotation ${quotationId} accepted by the customer`, allowedEvents: ['won'] });
    expect(await timelineOf('quotation', quotationId)).toEqual(['quotation:create:cp', 'quotation:share:cp', 'quotation:accept:customer']);
    const leadTimeline = (await s.request.get(`/solarium/leads/${leadId}/timeline`).set(await auth('cp1@solarium.test'))).body.data;
    expect(leadTimeline.at(-1)).toMatchObject({ from: 'quotation_shared', to: 'customer_accepted', role: 'customer', override: false, remarks: `Quotation ${quotationId} accepted by the customer` });
    // The customer sees the move, not its remarks: the workflow copies them into the lead's remarks, hidden from customers.
    const asCustomer = (await s.request.get(`/solarium/leads/${leadId}/timeline`).set(await auth(CUSTOMER))).body.data;
    expect(asCustomer.at(-1)).toMatchObject({ from: 'quotation_shared', to: 'customer_accepted', role: 'customer', remarks: null });
    const audit = await sql<{ entity: string; action: string; outcome: string }>("SELECT entity, action, outcome FROM audit_entries WHERE record_id = ANY($1::uuid[]) AND action = 'transition' ORDER BY id", [[leadId, quotationId]]);
    expect(audit.slice(-2)).toEqual([{ entity: 'quotation', action: 'transition', outcome: 'accepted' }, { entity: 'lead', action: 'transition', outcome: 'accepted' }]);
    // The CP takes it from there (§5: "triggers final Won by CP or Admin").
    expect((await s.request.patch(`/solarium/leads/${leadId}/status`).set(await auth('cp1@solarium.test')).send({ newStatus: 'won' })).status).toBe(200);
  });

  it('accepts through the generic route as well', async () => {
    const { leadId, quotationId } = await leadWithQuotation();
    expect((await s.request.post(`${G}/quotation/${quotationId}/events/share`).set(await auth('cp1@solarium.test')).send({})).status).toBe(200);
    const accepted = await s.request.post(`${G}/quotation/${quotationId}/events/accept`).set(await auth(CUSTOMER)).send({});
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(await versions(leadId, quotationId)).toEqual(['customer_accepted@4', 'accepted@3']);
  });

  it('refuses to accept a quotation that is not shared: the customer cannot see it, nothing changes', async () => {
    const { leadId, quotationId } = await leadWithQuotation();
    const res = await s.request.post(`/solarium/quotations/${quotationId}/accept`).set(await auth(CUSTOMER)).send({});
    expect(res.status).toBe(404);
    expect(await versions(leadId, quotationId)).toEqual(['quotation_shared@3', 'issued@1']);
  });

  it('refuses the customer of another lead', async () => {
    const { leadId, quotationId } = await leadWithQuotation();
    expect((await s.request.post(`/solarium/quotations/${quotationId}/share`).set(await auth('cp1@solarium.test')).send({})).status).toBe(200);
    const res = await s.request.post(`/solarium/quotations/${quotationId}/accept`).set(await auth(OTHER_CUSTOMER)).send({});
    expect(res.status).toBe(404);
    expect(await versions(leadId, quotationId)).toEqual(['quotation_shared@3', 'shared@2']);
  });

  it('refuses the whole acceptance when the lead refuses its move (not in quotation_shared): neither record changes', async () => {
    const { leadId, quotationId } = await leadWithQuotation(['in_discussion']);
    expect((await s.request.post(`/solarium/quotations/${quotationId}/share`).set(await auth('cp1@solarium.test')).send({})).status).toBe(200);
    const before = await versions(leadId, quotationId);
    expect(before).toEqual(['in_discussion@2', 'shared@2']);
    for (const url of [`/solarium/quotations/${quotationId}/accept`, `${G}/quotation/${quotationId}/events/accept`]) {
      const res = await s.request.post(url).set(await auth(CUSTOMER)).send({});
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'INVALID_TRANSITION', message: 'Invalid status transition' });
      expect(res.body.error.details[0]).toEqual({ path: '$.move.lead', message: `The lead this move moves (${leadId}, event "customer_accepted") was refused: Invalid status transition` });
    }
    expect(await versions(leadId, quotationId)).toEqual(before);
    expect(await timelineOf('quotation', quotationId)).toEqual(['quotation:create:cp', 'quotation:share:cp']);
    expect((await timelineOf('lead', leadId)).filter((e) => e.includes('customer'))).toEqual([]);
    // The refused attempt is audited on the quotation, as any refused move is.
    const refused = await sql<{ outcome: string; detail: { event: string; code: string } }>("SELECT outcome, detail FROM audit_entries WHERE record_id = $1::uuid AND outcome = 'refused'", [quotationId]);
    expect(refused.map((r) => [r.detail.event, r.detail.code])).toEqual([['accept', 'INVALID_TRANSITION'], ['accept', 'INVALID_TRANSITION']]);
  });

  it('refuses the acceptance when the quotation names a lead that is not the customer’s (their scope on the lead)', async () => {
    // A quotation addressed to this customer, for a lead of another customer: the customer sees it
    // once shared, but the lead's move is theirs to make only on their own lead.
    const { leadId: othersLead } = await leadWithQuotation(['in_discussion', 'quotation_shared'], OTHER_CUSTOMER);
    const cp = await auth('cp1@solarium.test');
    const stray = (await s.request.post('/solarium/quotations').set(cp).send(wizard(othersLead, { customer: CUSTOMER }))).body.data.quotationReference as string;
    expect((await s.request.post(`/solarium/quotations/${stray}/share`).set(cp).send({})).status).toBe(200);
    const res = await s.request.post(`/solarium/quotations/${stray}/accept`).set(await auth(CUSTOMER)).send({});
    // The lead is outside the customer's scope (missing, to them): 409, the record the quotation names is not there.
    expect(res.status).toBe(409);
    expect(res.body.error.details[0]).toEqual({ path: '$.move.lead', message: `The lead this move moves (${othersLead}, event "customer_accepted") was refused: No lead with id "${othersLead}"` });
    expect(await versions(othersLead, stray)).toEqual(['quotation_shared@3', 'shared@2']);
  });

  it('lets the CP supersede a quotation a newer one replaces; it can no longer be accepted', async () => {
    const { quotationId } = await leadWithQuotation();
    const cp = await auth('cp1@solarium.test');
    expect((await s.request.post(`/solarium/quotations/${quotationId}/share`).set(cp).send({})).status).toBe(200);
    expect((await s.request.post(`${G}/quotation/${quotationId}/events/supersede`).set(cp).send({})).status).toBe(200);
    expect((await s.request.post(`/solarium/quotations/${quotationId}/accept`).set(await auth(CUSTOMER)).send({})).status).toBe(422);
  });
});
