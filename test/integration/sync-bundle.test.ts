// GET /solarium/sync (and GET /v1/apps/{app}/sync): every record the app syncs that the caller may
// read, within their scope, in one streamed answer with an ETag; If-None-Match answers 304 until
// something in the caller's scope changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });
let cp1Id: string;

beforeAll(async () => {
  s = await startTestServer();
  const admin = await auth('admin@solarium.test');
  const users = (await s.request.get('/v1/apps/solarium/users?role=cp').set(admin)).body.data as { id: string; email: string }[];
  cp1Id = users.find((u) => u.email === 'cp1@solarium.test')!.id;
  const cp2Id = users.find((u) => u.email === 'cp2@solarium.test')!.id;
  for (let i = 0; i < 30; i++) {
    const res = await s.request.post('/solarium/leads').set(admin).send({ name: `Lead ${i}`, phone: `98765${String(10000 + i)}`, city: 'Pune', assignedCp: i % 3 === 0 ? cp2Id : cp1Id });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});
afterAll(async () => s?.close());

describe('sync bundles', () => {
  it('gives each caller their records only, as valid JSON, on the seed route and the generic one', async () => {
    const cp1 = await auth('cp1@solarium.test');
    const mine = await s.request.get('/solarium/sync').set(cp1);
    expect(mine.status).toBe(200);
    expect(mine.headers['content-type']).toMatch(/application\/json/);
    expect(mine.body.success).toBe(true);
    const leads = mine.body.data.entities.lead as { assignedCp: string; status: string }[];
    expect(leads).toHaveLength(20);
    expect(leads.every((l) => l.assignedCp === cp1Id)).toBe(true);
    expect(leads[0]).toMatchObject({ status: 'new_lead', version: 1 });
    const generic = await s.request.get('/v1/apps/solarium/sync').set(cp1);
    expect(generic.body.data.entities.lead).toHaveLength(20);
    const all = await s.request.get('/solarium/sync').set(await auth('admin@solarium.test'));
    expect(all.body.data.entities.lead.length).toBeGreaterThanOrEqual(30);
  });

  it('answers 304 to If-None-Match until something in the caller’s scope changes', async () => {
    const cp1 = await auth('cp1@solarium.test');
    const first = await s.request.get('/solarium/sync').set(cp1);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await s.request.get('/solarium/sync').set(cp1).set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    // Another CP's lead changing leaves this one's bundle as it was.
    const cp2 = await auth('cp2@solarium.test');
    const theirs = (await s.request.get('/solarium/sync').set(cp2)).body.data.entities.lead[0];
    expect((await s.request.patch(`/solarium/leads/${theirs.id}/status`).set(cp2).send({ newStatus: 'in_discussion' })).status).toBe(200);
    expect((await s.request.get('/solarium/sync').set(cp1).set('If-None-Match', etag)).status).toBe(304);
    // One of theirs changing does not.
    const lead = first.body.data.entities.lead[0];
    expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(cp1).send({ newStatus: 'in_discussion' })).status).toBe(200);
    const changed = await s.request.get('/solarium/sync').set(cp1).set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.data.entities.lead.find((l: { id: string }) => l.id === lead.id).status).toBe('in_discussion');
  });

  it('carries each lead’s document metadata, and a document uploaded, reviewed or removed changes the ETag', async () => {
    const cp1 = await auth('cp1@solarium.test');
    const first = await s.request.get('/solarium/sync').set(cp1);
    const lead = first.body.data.entities.lead[1] as { id: string; files: unknown[] };
    expect(lead.files).toEqual([]);
    let etag = first.headers.etag as string;
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n');
    const up = await s.request.post(`/solarium/leads/${lead.id}/docs`).set(cp1).attach('file', pdf, 'bill.pdf');
    expect(up.status).toBe(201);
    const kam = await auth('kam@solarium.test');
    const steps = [
      async () => {},
      async () => expect((await s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/${up.body.data.id}/review`).set(kam).send({ status: 'approved' })).status).toBe(200),
      async () => expect((await s.request.delete(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/${up.body.data.id}`).set(kam)).status).toBe(200),
    ];
    for (const [i, step] of steps.entries()) {
      await step();
      const next = await s.request.get('/solarium/sync').set(cp1).set('If-None-Match', etag);
      expect(next.status, `step ${i}`).toBe(200);
      etag = next.headers.etag as string;
      const files = next.body.data.entities.lead.find((l: { id: string }) => l.id === lead.id).files;
      if (i < 2) expect(files).toEqual([expect.objectContaining({ id: up.body.data.id, slot: 'docs', fileName: 'bill.pdf', contentType: 'application/pdf', status: i === 0 ? 'pending_review' : 'approved' })]);
      else expect(files).toEqual([]);
    }
  });

  it('streams more records than one batch, every one exactly once', async () => {
    const admin = await auth('admin@solarium.test');
    const rows = Array.from({ length: 1200 }, (_, i) => `('${crypto.randomUUID()}', 'solarium', 'lead', 'new_lead', 1, '{"name":"Bulk ${i}","phone":"9000${String(100000 + i)}","city":"Pune"}'::jsonb, '{}', now(), now())`);
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: s.databaseUrl });
    await client.connect();
    await client.query(`INSERT INTO records (id, app, entity, state, version, data, scope_tags, created_at, updated_at) VALUES ${rows.join(',')}`);
    await client.end();
    const bundle = await s.request.get('/solarium/sync').set(admin);
    const ids = (bundle.body.data.entities.lead as { id: string }[]).map((l) => l.id);
    expect(ids.length).toBeGreaterThanOrEqual(1230);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a caller without credentials (401) and is not served where an app syncs nothing (404)', async () => {
    expect((await s.request.get('/solarium/sync')).status).toBe(401);
    const ops = { Authorization: `Bearer ${await s.login('ops@ekyc.test', 'ekyc')}` };
    const none = await s.request.get('/v1/apps/ekyc/sync').set(ops);
    expect(none.status).toBe(404);
    expect(none.body.error.message).toBe('App "ekyc" declares no sync bundle');
  });
});
