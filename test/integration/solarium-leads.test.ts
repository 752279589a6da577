import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let phoneSeq = 9100000000;
const nextPhone = () => String(phoneSeq++);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

async function createLead(email: string, extra: Record<string, unknown> = {}) {
  const res = await s.request.post('/solarium/leads').set(auth(await s.login(email))).send({ name: 'Ravi Kumar', phone: nextPhone(), city: 'Pune', ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as Record<string, unknown> & { id: string; version: number; status: string };
}

async function move(email: string, id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return s.request.patch(`/solarium/leads/${id}/status`).set({ ...auth(await s.login(email)), ...headers }).send(body);
}

describe('solarium lead lifecycle', () => {
  it('takes a lead from new to executed as a CP, customer accepting in between, with a timeline of every step', async () => {
    const lead = await createLead('cp1@solarium.test', { customer: 'customer1@solarium.test', capacityKw: 5 });
    expect(lead.status).toBe('new_lead');
    const cp = 'cp1@solarium.test';
    for (const newStatus of ['in_discussion', 'site_survey', 'quotation_shared']) {
      const res = await move(cp, lead.id, { newStatus, remarks: `to ${newStatus}` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.status).toBe(newStatus);
    }
    const accepted = await move('customer1@solarium.test', lead.id, { newStatus: 'customer_accepted' });
    expect(accepted.status).toBe(200);
    expect((await move(cp, lead.id, { newStatus: 'won' })).status).toBe(200);
    const executed = await move(cp, lead.id, { newStatus: 'executed', followUpDate: '2027-01-15' });
    expect(executed.status).toBe(200);
    expect(executed.body.data).toMatchObject({ status: 'executed', nextFollowUpDate: '2027-01-15', version: 7, allowedEvents: [] });

    const timeline = await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(auth(await s.login(cp)));
    expect(timeline.status).toBe(200);
    expect(timeline.body.data.map((e: { to: string }) => e.to)).toEqual(['new_lead', 'in_discussion', 'site_survey', 'quotation_shared', 'customer_accepted', 'won', 'executed']);
    expect(timeline.body.data[4]).toMatchObject({ role: 'customer', from: 'quotation_shared', override: false });
  });

  it('stores remarks and the follow-up date given with a status change', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await move('cp1@solarium.test', lead.id, { newStatus: 'in_discussion', remarks: 'Call back Monday', followUpDate: '2027-02-01' });
    expect(res.body.data).toMatchObject({ remarks: 'Call back Monday', nextFollowUpDate: '2027-02-01' });
    const got = await s.request.get(`/solarium/leads/${lead.id}`).set(auth(await s.login('cp1@solarium.test')));
    expect(got.body.data).toMatchObject({ remarks: 'Call back Monday', nextFollowUpDate: '2027-02-01', status: 'in_discussion' });
  });

  it('assigns a lead created by a CP to that CP and refuses assigning it to another', async () => {
    const lead = await createLead('cp1@solarium.test');
    const me = await s.request.post('/solarium/auth/login').send({ email: 'cp1@solarium.test', password: 'demo1234' });
    expect(lead.assignedCp).toBe(me.body.data.user.id);
    const other = await s.request.post('/solarium/auth/login').send({ email: 'cp2@solarium.test', password: 'demo1234' });
    const res = await s.request.post('/solarium/leads').set(auth(await s.login('cp1@solarium.test'))).send({ name: 'X', phone: nextPhone(), city: 'Pune', assignedCp: other.body.data.user.id });
    expect(res.status).toBe(403);
  });

  it('lets admin and KAM create leads for any CP and see every lead', async () => {
    const cp2 = await s.request.post('/solarium/auth/login').send({ email: 'cp2@solarium.test', password: 'demo1234' });
    const res = await s.request.post('/solarium/leads').set(auth(await s.login('kam@solarium.test'))).send({ name: 'Via KAM', phone: nextPhone(), city: 'Nagpur', assignedCp: cp2.body.data.user.id });
    expect(res.status).toBe(201);
    const asCp2 = await s.request.get(`/solarium/leads/${res.body.data.id}`).set(auth(await s.login('cp2@solarium.test')));
    expect(asCp2.status).toBe(200);
    const asAdmin = await s.request.get(`/solarium/leads/${res.body.data.id}`).set(auth(await s.login('admin@solarium.test')));
    expect(asAdmin.status).toBe(200);
  });

  it('returns allowedEvents for the caller role', async () => {
    const lead = await createLead('cp1@solarium.test', { customer: 'customer1@solarium.test' });
    await move('cp1@solarium.test', lead.id, { newStatus: 'in_discussion' });
    await move('cp1@solarium.test', lead.id, { newStatus: 'quotation_shared' });
    const asCp = await s.request.get(`/solarium/leads/${lead.id}`).set(auth(await s.login('cp1@solarium.test')));
    expect(asCp.body.data.allowedEvents.sort()).toEqual(['in_discussion', 'lost', 'won']);
    const asCustomer = await s.request.get(`/solarium/leads/${lead.id}`).set(auth(await s.login('customer1@solarium.test')));
    expect(asCustomer.body.data.allowedEvents).toEqual(['customer_accepted']);
  });
});

describe('lead validation from the entity definition', () => {
  it('refuses a phone that is not 10 digits, a bad email, a missing city and a negative capacity, all at once', async () => {
    const res = await s.request.post('/solarium/leads').set(auth(await s.login('cp1@solarium.test'))).send({ name: 'V', phone: '12345', email: 'nope', capacityKw: -1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['$.capacityKw', '$.city', '$.email', '$.phone']);
    expect(res.body.error.details.find((d: { path: string }) => d.path === '$.phone').message).toBe('Must be a valid phone');
  });

  it('moves the status named in a field write through the workflow: refused outside the matrix, in the timeline inside it', async () => {
    const lead = await createLead('cp1@solarium.test');
    const admin = auth(await s.login('admin@solarium.test'));
    const refused = await s.request.patch(`/v1/apps/solarium/records/lead/${lead.id}`).set(admin).send({ status: 'won', city: 'Mumbai' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('INVALID_TRANSITION');
    const unchanged = await s.request.get(`/v1/apps/solarium/records/lead/${lead.id}`).set(admin);
    expect(unchanged.body.data).toMatchObject({ status: 'new_lead', city: 'Pune', version: 1 });
    const moved = await s.request.patch(`/v1/apps/solarium/records/lead/${lead.id}`).set(admin).send({ status: 'in_discussion', city: 'Mumbai' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.data).toMatchObject({ status: 'in_discussion', city: 'Mumbai', version: 2 });
    const timeline = await s.request.get(`/v1/apps/solarium/records/lead/${lead.id}/timeline`).set(admin);
    // The refused attempt is in it too, marked refused, with the fields it asked to change.
    expect(timeline.body.data.map((e: { to: string; refused: boolean }) => [e.to, e.refused])).toEqual([['new_lead', false], ['won', true], ['in_discussion', false]]);
    expect(timeline.body.data[1]).toMatchObject({ from: 'new_lead', role: 'admin', code: 'INVALID_TRANSITION', fields: ['city'] });
  });

  it('points a bad follow-up date at the field the client sent', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await move('cp1@solarium.test', lead.id, { newStatus: 'in_discussion', followUpDate: 'tomorrow' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: '$.followUpDate', message: 'Must be a valid date' }]);
  });
});

describe('solarium status matrix enforcement', () => {
  it('refuses new_lead -> won for a CP with 422 INVALID_TRANSITION and logs the refused attempt', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await move('cp1@solarium.test', lead.id, { newStatus: 'won' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, error: { code: 'INVALID_TRANSITION', message: 'Invalid status transition', details: [{ path: '$.newStatus' }] } });
    expect(res.body.traceId).toEqual(expect.any(String));
    const db = new pg.Client({ connectionString: s.databaseUrl });
    await db.connect();
    const audit = await db.query("SELECT outcome, detail FROM audit_entries WHERE record_id = $1 AND action = 'transition'", [lead.id]);
    await db.end();
    expect(audit.rows).toEqual([{ outcome: 'refused', detail: expect.objectContaining({ target: 'won', from: 'new_lead', code: 'INVALID_TRANSITION' }) }]);
    const got = await s.request.get(`/solarium/leads/${lead.id}`).set(auth(await s.login('cp1@solarium.test')));
    expect(got.body.data).toMatchObject({ status: 'new_lead', version: 1 });
  });

  it('ignores override from a CP: the matrix still applies', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await move('cp1@solarium.test', lead.id, { newStatus: 'won', override: true, remarks: 'please' });
    expect(res.status).toBe(422);
  });

  it('refuses a customer on a lead that is not theirs with 404 (as if not there), and on their own lead outside the matrix with 422', async () => {
    const notTheirs = await createLead('cp1@solarium.test');
    expect((await move('customer1@solarium.test', notTheirs.id, { newStatus: 'customer_accepted' })).status).toBe(404);
    const own = await createLead('cp1@solarium.test', { customer: 'customer1@solarium.test' });
    expect((await move('customer1@solarium.test', own.id, { newStatus: 'in_discussion' })).status).toBe(422);
  });

  it('treats executed and lost as final for a CP', async () => {
    const lead = await createLead('cp1@solarium.test');
    expect((await move('cp1@solarium.test', lead.id, { newStatus: 'lost' })).status).toBe(200);
    expect((await move('cp1@solarium.test', lead.id, { newStatus: 'in_discussion' })).status).toBe(422);
  });

  it('refuses a target that is not a state', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await move('admin@solarium.test', lead.id, { newStatus: 'teleported', override: true, remarks: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_TRANSITION');
  });
});

describe('admin and KAM override', () => {
  it('accepts an override from admin with remarks, marks it in the timeline and the audit', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await move('admin@solarium.test', lead.id, { newStatus: 'won', override: true, remarks: 'Signed offline' });
    expect(res.status).toBe(200);
    expect(res.body.data.transition).toEqual({ event: 'won', from: 'new_lead', to: 'won', override: true });
    const timeline = await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(auth(await s.login('admin@solarium.test')));
    expect(timeline.body.data.at(-1)).toMatchObject({ from: 'new_lead', to: 'won', override: true, remarks: 'Signed offline', role: 'admin' });
    const db = new pg.Client({ connectionString: s.databaseUrl });
    await db.connect();
    const audit = await db.query("SELECT action FROM audit_entries WHERE record_id = $1 ORDER BY id", [lead.id]);
    await db.end();
    expect(audit.rows.map((r) => r.action)).toEqual(['record.create', 'transition.override']);
  });

  it('lets KAM move a lead out of a final state by override', async () => {
    const lead = await createLead('cp1@solarium.test');
    await move('cp1@solarium.test', lead.id, { newStatus: 'lost' });
    const res = await move('kam@solarium.test', lead.id, { newStatus: 'in_discussion', override: true, remarks: 'Customer came back' });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('in_discussion');
  });

  it('requires remarks on an override (422 REMARKS_REQUIRED)', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await move('admin@solarium.test', lead.id, { newStatus: 'won', override: true });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('REMARKS_REQUIRED');
  });

  it('does not mark a move the matrix allows as an override', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await move('admin@solarium.test', lead.id, { newStatus: 'in_discussion', override: true, remarks: 'x' });
    expect(res.body.data.transition.override).toBe(false);
  });
});

describe('scopes', () => {
  it('answers 404 to a CP on another CP lead, for read, status change, patch and timeline: it is not theirs to know of', async () => {
    const lead = await createLead('cp1@solarium.test');
    const other = auth(await s.login('cp2@solarium.test'));
    const missing = { success: false, error: { code: 'RECORD_NOT_FOUND', message: `No lead with id "${lead.id}"` } };
    const get = await s.request.get(`/solarium/leads/${lead.id}`).set(other);
    expect(get.status).toBe(404);
    expect(get.body).toMatchObject(missing);
    expect((await move('cp2@solarium.test', lead.id, { newStatus: 'in_discussion' })).status).toBe(404);
    expect((await s.request.patch(`/v1/apps/solarium/records/lead/${lead.id}`).set(other).send({ city: 'Goa' })).status).toBe(404);
    expect((await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(other)).status).toBe(404);
    // The move was still an attempt on the record: it is in the audit log, refused.
    const db = new pg.Client({ connectionString: s.databaseUrl });
    await db.connect();
    const audit = await db.query("SELECT detail->>'code' AS code FROM audit_entries WHERE record_id = $1 AND outcome = 'refused'", [lead.id]);
    await db.end();
    expect(audit.rows.map((a: { code: string }) => a.code)).toEqual(['RECORD_NOT_FOUND']);
  });

  it('lists only the leads in scope', async () => {
    const mine = await createLead('cp2@solarium.test', { city: 'Scopeville' });
    await createLead('cp1@solarium.test', { city: 'Scopeville' });
    const res = await s.request.get('/solarium/leads?city=Scopeville').set(auth(await s.login('cp2@solarium.test')));
    expect(res.body.data.items.map((l: { id: string }) => l.id)).toEqual([mine.id]);
    const all = await s.request.get('/solarium/leads?city=Scopeville').set(auth(await s.login('admin@solarium.test')));
    expect(all.body.data.items).toHaveLength(2);
  });

  it('gives 403 to roles without the permission (customer cannot delete, KAM cannot delete)', async () => {
    const lead = await createLead('cp1@solarium.test', { customer: 'customer1@solarium.test' });
    expect((await s.request.delete(`/v1/apps/solarium/records/lead/${lead.id}`).set(auth(await s.login('customer1@solarium.test')))).status).toBe(403);
    expect((await s.request.delete(`/v1/apps/solarium/records/lead/${lead.id}`).set(auth(await s.login('kam@solarium.test')))).status).toBe(403);
    expect((await s.request.delete(`/v1/apps/solarium/records/lead/${lead.id}`).set(auth(await s.login('admin@solarium.test')))).status).toBe(200);
    expect((await s.request.get(`/solarium/leads/${lead.id}`).set(auth(await s.login('admin@solarium.test')))).status).toBe(404);
  });
});

describe('unique keys and versions', () => {
  it('answers 409 DUPLICATE for a second lead with the same phone, even in parallel', async () => {
    const phone = nextPhone();
    const token = await s.login('admin@solarium.test');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => s.request.post('/solarium/leads').set(auth(token)).send({ name: 'Dup', phone, city: 'Pune' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const dup = results.find((r) => r.status === 409)!;
    expect(dup.body.error).toMatchObject({ code: 'DUPLICATE', details: [{ path: '$.phone' }] });
  });

  it('frees the phone again when the lead is deleted', async () => {
    const phone = nextPhone();
    const token = auth(await s.login('admin@solarium.test'));
    const first = await s.request.post('/solarium/leads').set(token).send({ name: 'A', phone, city: 'Pune' });
    await s.request.delete(`/v1/apps/solarium/records/lead/${first.body.data.id}`).set(token);
    expect((await s.request.post('/solarium/leads').set(token).send({ name: 'B', phone, city: 'Pune' })).status).toBe(201);
  });

  it('answers 412 to a stale If-Match and accepts the current one', async () => {
    const lead = await createLead('cp1@solarium.test');
    await move('cp1@solarium.test', lead.id, { newStatus: 'in_discussion' });
    const stale = await move('cp1@solarium.test', lead.id, { newStatus: 'site_survey' }, { 'If-Match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({ code: 'VERSION_MISMATCH', data: { currentVersion: 2 } });
    const fresh = await move('cp1@solarium.test', lead.id, { newStatus: 'site_survey' }, { 'If-Match': '"2"' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.etag).toBe('"3"');
    const patch = await s.request.patch(`/v1/apps/solarium/records/lead/${lead.id}`).set(auth(await s.login('cp1@solarium.test'))).set('If-Match', '2').send({ city: 'Goa' });
    expect(patch.status).toBe(412);
  });

  it('applies 50 parallel conflicting status updates without error: last write wins, 50 timeline entries', async () => {
    const lead = await createLead('cp1@solarium.test');
    const token = auth(await s.login('admin@solarium.test'));
    const targets = ['in_discussion', 'site_survey', 'quotation_shared', 'on_hold', 'won'];
    const bodies = Array.from({ length: 50 }, (_, i) => ({ newStatus: targets[i % targets.length]!, override: true, remarks: `update ${i}` }));
    const results = await Promise.all(bodies.map((b) => s.request.patch(`/solarium/leads/${lead.id}/status`).set(token).send(b)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const timeline = await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(token);
    const changes = timeline.body.data.slice(1);
    expect(changes).toHaveLength(50);
    expect(new Set(changes.map((c: { remarks: string }) => c.remarks)).size).toBe(50);
    for (let i = 1; i < changes.length; i++) expect(changes[i].from).toBe(changes[i - 1].to); // one serial history
    const final = await s.request.get(`/solarium/leads/${lead.id}`).set(token);
    expect(targets).toContain(final.body.data.status);
    expect(final.body.data.status).toBe(changes.at(-1).to);
    expect(final.body.data.version).toBe(51);
  });
});
