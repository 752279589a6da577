// Seed 001 §3.1 and §5: every attempt on a lead, accepted or refused, is in its timeline; customers
// never see internal remarks; a customer's service request (CUSTAP) is a lead given to a CP of its
// city by the lead's assignment rule. Each rule on the seed routes and the generic ones.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let db: pg.Client;
let phoneSeq = 9300000000;
const nextPhone = () => String(phoneSeq++);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const as = async (email: string) => auth(await s.login(email));
const CUSTOMER = 'customer1@solarium.test';

beforeAll(async () => {
  s = await startTestServer();
  db = new pg.Client({ connectionString: s.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await s?.close();
});

async function createLead(email: string, extra: Record<string, unknown> = {}, path = '/solarium/leads') {
  const res = await s.request.post(path).set(await as(email)).send({ name: 'Ravi Kumar', phone: nextPhone(), city: 'Pune', ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as Record<string, unknown> & { id: string; version: number; status: string };
}

const move = async (email: string, id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  s.request.patch(`/solarium/leads/${id}/status`).set({ ...(await as(email)), ...headers }).send(body);

const stored = async (id: string) => (await db.query('SELECT state, version, data, updated_at FROM records WHERE id = $1', [id])).rows[0];
const timelineRows = async (id: string) => (await db.query('SELECT event, outcome, error_code FROM timeline_entries WHERE record_id = $1 ORDER BY id', [id])).rows;

async function newCp(email: string, city: string | string[]): Promise<string> {
  const res = await s.request.post('/v1/apps/solarium/users').set(await as('admin@solarium.test')).send({ role: 'cp', email, password: 'demo1234', displayName: email, attributes: { city } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

describe('refused attempts in the lead timeline', () => {
  it('keeps a refused move marked refused (who, when, what was asked, code, message) and changes nothing else', async () => {
    const lead = await createLead('cp1@solarium.test');
    const before = await stored(lead.id);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
    s.clock.now = at;
    const res = await move('cp1@solarium.test', lead.id, { newStatus: 'won', remarks: 'closing now' });
    s.clock.now = new Date();
    expect(res.status).toBe(422);
    expect(await stored(lead.id)).toEqual(before);
    const timeline = await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(await as('cp1@solarium.test'));
    expect(timeline.body.data).toHaveLength(2);
    expect(timeline.body.data[0]).toMatchObject({ event: 'create', refused: false });
    expect(timeline.body.data[0]).not.toHaveProperty('code');
    expect(timeline.body.data[1]).toEqual({
      id: expect.any(Number), event: 'won', from: 'new_lead', to: 'won', actorId: lead.assignedCp, role: 'cp', override: false,
      remarks: 'closing now', input: null, at: at.toISOString(), refused: true, code: 'INVALID_TRANSITION', message: 'Invalid status transition', fields: [],
    });
  });

  it('keeps refusals of every kind on a lead one may read: a bad input (400), a stale version (412), a missing override remark (422), a guarded field write', async () => {
    const lead = await createLead('cp1@solarium.test');
    expect((await move('cp1@solarium.test', lead.id, { newStatus: 'in_discussion', followUpDate: 'tomorrow' })).status).toBe(400);
    expect((await move('cp1@solarium.test', lead.id, { newStatus: 'in_discussion' }, { 'If-Match': '"7"' })).status).toBe(412);
    expect((await move('admin@solarium.test', lead.id, { newStatus: 'won', override: true })).status).toBe(422);
    expect((await s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/events/executed`).set(await as('kam@solarium.test')).send({})).status).toBe(422);
    const other = await createLead('cp1@solarium.test');
    expect((await s.request.patch(`/v1/apps/solarium/records/lead/${lead.id}`).set(await as('cp1@solarium.test')).send({ phone: other.phone })).status).toBe(409);
    const timeline = await s.request.get(`/v1/apps/solarium/records/lead/${lead.id}/timeline`).set(await as('admin@solarium.test'));
    expect(timeline.body.data.slice(1).map((e: Record<string, unknown>) => [e.event, e.role, e.code, e.override, e.refused])).toEqual([
      ['in_discussion', 'cp', 'VALIDATION_FAILED', false, true],
      ['in_discussion', 'cp', 'VERSION_MISMATCH', false, true],
      ['won', 'admin', 'REMARKS_REQUIRED', true, true],
      ['executed', 'kam', 'INVALID_TRANSITION', false, true],
      ['update', 'cp', 'DUPLICATE', false, true],
    ]);
    expect(timeline.body.data.at(-1)).toMatchObject({ to: null, fields: ['phone'] });
    expect(await stored(lead.id)).toMatchObject({ state: 'new_lead', version: 1 });
  });

  it('leaves nothing for a caller who may not read the lead (outside their scope: 404, as a missing one), an unknown event (404) or malformed input', async () => {
    const lead = await createLead('cp1@solarium.test');
    expect((await move('cp2@solarium.test', lead.id, { newStatus: 'won' })).status).toBe(404);
    expect((await s.request.patch(`/v1/apps/solarium/records/lead/${lead.id}`).set(await as('cp2@solarium.test')).send({ city: 'Goa' })).status).toBe(404);
    expect((await move(CUSTOMER, lead.id, { newStatus: 'customer_accepted' })).status).toBe(404);
    expect((await s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/events/teleport`).set(await as('cp1@solarium.test')).send({})).status).toBe(404);
    expect((await move('cp1@solarium.test', lead.id, { newStatus: 'won', remarks: 'x'.repeat(2001) })).status).toBe(400);
    expect((await move('cp1@solarium.test', lead.id, { remarks: 'no target' })).status).toBe(400);
    const nul = await s.request.patch(`/solarium/leads/${lead.id}/status`).set({ ...(await as('cp1@solarium.test')), 'content-type': 'application/json' }).send('{"newStatus":"won","remarks":"a\\u0000b"}');
    expect(nul.status).toBe(400);
    expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).send({ newStatus: 'won' })).status).toBe(401);
    expect(await timelineRows(lead.id)).toEqual([{ event: 'create', outcome: 'accepted', error_code: null }]);
  });

  it('bounds what a refused attempt keeps: only the entity\'s own field names, never their values', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await s.request.patch(`/v1/apps/solarium/records/lead/${lead.id}`).set(await as('cp1@solarium.test')).send({ status: 'won', city: 'Secret City', notAField: 1 });
    expect(res.status).toBe(400);
    const row = (await db.query("SELECT event, fields, remarks, input, error_code FROM timeline_entries WHERE record_id = $1 AND outcome = 'refused'", [lead.id])).rows;
    expect(row).toEqual([{ event: 'won', fields: ['city'], remarks: null, input: null, error_code: 'VALIDATION_FAILED' }]);
  });

  it('keeps a customer\'s refused attempt on their own lead', async () => {
    const lead = await createLead('cp1@solarium.test', { customer: CUSTOMER });
    expect((await move(CUSTOMER, lead.id, { newStatus: 'won' })).status).toBe(422);
    expect((await timelineRows(lead.id)).map((r) => [r.event, r.outcome])).toEqual([['create', 'accepted'], ['won', 'refused']]);
  });
});

describe('remarks hidden from customers', () => {
  let lead: { id: string };
  beforeAll(async () => {
    lead = await createLead('cp1@solarium.test', { customer: CUSTOMER, city: 'Hiddenpur', remarks: 'Customer is price sensitive' });
    expect((await move('cp1@solarium.test', lead.id, { newStatus: 'in_discussion', remarks: 'Internal: offer 5% max' })).status).toBe(200);
    expect((await move('cp1@solarium.test', lead.id, { newStatus: 'quotation_shared', remarks: 'Quote Q-1 sent' })).status).toBe(200);
    expect((await move('cp1@solarium.test', lead.id, { newStatus: 'executed', remarks: 'Refused: internal' })).status).toBe(422);
  });

  it('shows remarks to admin, KAM and the CP, and never to the customer, role by role', async () => {
    const seen: Record<string, unknown> = {};
    for (const email of ['admin@solarium.test', 'kam@solarium.test', 'cp1@solarium.test', CUSTOMER]) {
      const got = await s.request.get(`/solarium/leads/${lead.id}`).set(await as(email));
      expect(got.status).toBe(200);
      seen[email.split('@')[0]!] = [got.body.data.remarks, 'assignedCp' in got.body.data];
    }
    expect(seen).toEqual({ admin: ['Quote Q-1 sent', true], kam: ['Quote Q-1 sent', true], cp1: ['Quote Q-1 sent', true], customer1: [undefined, false] });
  });

  it('leaves remarks out of the customer\'s list, sync bundle and timeline', async () => {
    const customer = await as(CUSTOMER);
    const list = await s.request.get('/solarium/leads?city=Hiddenpur').set(customer);
    expect(list.body.data.items.map((l: Record<string, unknown>) => [l.id, 'remarks' in l, 'assignedCp' in l])).toEqual([[lead.id, false, false]]);
    const sync = await s.request.get('/solarium/sync').set(customer);
    expect(sync.status).toBe(200);
    const synced = sync.body.data.entities.lead.find((l: { id: string }) => l.id === lead.id);
    expect(synced).toBeDefined();
    expect(synced).not.toHaveProperty('remarks');
    expect(JSON.stringify(sync.body)).not.toContain('Internal');
    const timeline = await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(customer);
    expect(timeline.body.data.map((e: Record<string, unknown>) => [e.to, e.remarks, e.refused])).toEqual([
      ['new_lead', null, false], ['in_discussion', null, false], ['quotation_shared', null, false], ['executed', null, true],
    ]);
    const asCp = await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(await as('cp1@solarium.test'));
    expect(asCp.body.data.map((e: { remarks: string | null }) => e.remarks)).toEqual([null, 'Internal: offer 5% max', 'Quote Q-1 sent', 'Refused: internal']);
  });

  it('answers the customer\'s own move without remarks, and refuses remarks sent with it (400)', async () => {
    const withRemarks = await move(CUSTOMER, lead.id, { newStatus: 'customer_accepted', remarks: 'ok' });
    expect(withRemarks.status).toBe(400);
    expect(withRemarks.body.error.details).toEqual([{ path: '$.remarks', message: 'Role "customer" may not send remarks with a move' }]);
    const accepted = await move(CUSTOMER, lead.id, { newStatus: 'customer_accepted' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.data).toMatchObject({ status: 'customer_accepted' });
    expect(accepted.body.data).not.toHaveProperty('remarks');
    expect(accepted.body.data).not.toHaveProperty('assignedCp');
    // The move's workflow effect still wrote the lead's remarks field (empty remarks leave it alone).
    const asCp = await s.request.get(`/solarium/leads/${lead.id}`).set(await as('cp1@solarium.test'));
    expect(asCp.body.data.remarks).toBe('Quote Q-1 sent');
  });

  it('still shows the customer a document\'s review note in the timeline: it is the file\'s, not a move\'s remarks', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), Buffer.alloc(500, 32), Buffer.from('\n%%EOF\n')]);
    const up = await s.request.post(`/solarium/leads/${lead.id}/docs`).set(await as(CUSTOMER)).attach('file', pdf, 'bill.pdf');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const review = await s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/${up.body.data.id}/review`).set(await as('kam@solarium.test')).send({ status: 'rejected', note: 'Blurred, send again' });
    expect(review.status).toBe(200);
    const timeline = await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(await as(CUSTOMER));
    expect(timeline.body.data.find((e: { event: string }) => e.event === 'file.review')).toMatchObject({ remarks: 'Blurred, send again' });
    expect(timeline.body.data.filter((e: { event: string }) => !e.event.startsWith('file.')).every((e: { remarks: unknown }) => e.remarks === null)).toBe(true);
  });

  it('refuses filtering on a hidden field by name (400), never narrowing by its value', async () => {
    const res = await s.request.get(`/solarium/leads?assignedCp=${lead.id}`).set(await as(CUSTOMER));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: '$.query.assignedCp', message: 'Role "customer" may not filter on "assignedCp"' }]);
    expect((await s.request.get(`/solarium/leads?assignedCp=${lead.id}`).set(await as('admin@solarium.test'))).status).toBe(200);
  });
});

describe('customer service requests (CUSTAP)', () => {
  it('creates the customer\'s lead from customer_app, theirs, on the seed route and the generic one', async () => {
    for (const path of ['/solarium/leads', '/v1/apps/solarium/records/lead']) {
      const lead = await createLead(CUSTOMER, { city: 'Nowhere' }, path);
      expect(lead).toMatchObject({ source: 'customer_app', customer: CUSTOMER, status: 'new_lead', version: 1 });
      expect(lead).not.toHaveProperty('assignedCp');
    }
  });

  it('refuses another source (403), another customer (403), and hidden fields (400) from a customer', async () => {
    const customer = await as(CUSTOMER);
    const body = { name: 'X', phone: nextPhone(), city: 'Pune' };
    const source = await s.request.post('/solarium/leads').set(customer).send({ ...body, source: 'cp_app' });
    expect(source.status).toBe(403);
    expect(source.body.error.details).toEqual([{ path: '$.source', message: 'Must be "customer_app" (or left out) for role "customer"' }]);
    expect((await s.request.post('/solarium/leads').set(customer).send({ ...body, customer: 'someone@else.test' })).status).toBe(403);
    const hidden = await s.request.post('/solarium/leads').set(customer).send({ ...body, remarks: 'hi', assignedCp: '00000000-0000-4000-8000-000000000000' });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.details.map((d: { path: string }) => d.path)).toEqual(['$.remarks', '$.assignedCp']);
    expect((await s.request.post('/solarium/leads').set(customer).send({ ...body, source: 'customer_app' })).status).toBe(201);
  });

  it('gives it to the matching CP with the fewest open leads (final ones not counted)', async () => {
    const [a, b, c] = [await newCp('a@nashik.test', 'Nashik'), await newCp('b@nashik.test', 'nashik '), await newCp('c@nashik.test', ['Pune', 'Nashik'])];
    await newCp('d@elsewhere.test', 'Surat');
    const admin = 'admin@solarium.test';
    for (const cp of [a, a, c, c, b]) await createLead(admin, { city: 'Nashik', assignedCp: cp });
    for (const _ of [1, 2]) {
      const lost = await createLead(admin, { city: 'Nashik', assignedCp: b });
      expect((await move(admin, lost.id, { newStatus: 'lost' })).status).toBe(200);
    }
    // a: 2 open; b: 1 open + 2 lost; c: 2 open. Matched case-insensitively, a list attribute too.
    const lead = await createLead(CUSTOMER, { city: 'NASHIK' });
    expect(lead.assignedCp).toBeUndefined(); // hidden from the customer
    const got = await s.request.get(`/solarium/leads/${lead.id}`).set(await as('admin@solarium.test'));
    expect(got.body.data.assignedCp).toBe(b);
    // The CP it went to sees it (scope), others do not.
    expect((await s.request.get(`/solarium/leads/${lead.id}`).set(await as('b@nashik.test'))).status).toBe(200);
    expect((await s.request.get(`/solarium/leads/${lead.id}`).set(await as('a@nashik.test'))).status).toBe(404);
  });

  it('spreads 20 parallel customer requests evenly over the matching CPs', async () => {
    const cps = [await newCp('p1@thane.test', 'Thane'), await newCp('p2@thane.test', 'Thane'), await newCp('p3@thane.test', 'Thane'), await newCp('p4@thane.test', 'Thane')];
    const customer = await as(CUSTOMER);
    const results = await Promise.all(Array.from({ length: 20 }, () => s.request.post('/solarium/leads').set(customer).send({ name: 'Parallel', phone: nextPhone(), city: 'Thane' })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const { rows } = await db.query("SELECT data ->> 'assignedCp' AS cp, count(*)::int AS n FROM records WHERE app = 'solarium' AND data ->> 'city' = 'Thane' GROUP BY 1 ORDER BY 1", []);
    expect(rows).toEqual([...cps].sort().map((cp) => ({ cp, n: 5 })));
  });

  it('leaves the lead unassigned when no CP matches, and assigns only leads from the customer app', async () => {
    const lead = await createLead(CUSTOMER, { city: 'Atlantis' });
    expect((await stored(lead.id)).data).not.toHaveProperty('assignedCp');
    // A KAM's lead from the customer app, on the generic route, is assigned by the same rule...
    const viaKam = await createLead('kam@solarium.test', { city: 'Mumbai', source: 'customer_app' }, '/v1/apps/solarium/records/lead');
    const cp2 = await s.request.post('/solarium/auth/login').send({ email: 'cp2@solarium.test', password: 'demo1234' });
    expect(viaKam.assignedCp).toBe(cp2.body.data.user.id);
    // ...a walk-in stays as the KAM left it, and a CP's own lead stays theirs.
    expect(await createLead('kam@solarium.test', { city: 'Mumbai', source: 'walk_in' })).not.toHaveProperty('assignedCp');
    const own = await createLead('cp1@solarium.test', { city: 'Mumbai', source: 'customer_app' });
    const cp1 = await s.request.post('/solarium/auth/login').send({ email: 'cp1@solarium.test', password: 'demo1234' });
    expect(own.assignedCp).toBe(cp1.body.data.user.id);
  });
});
