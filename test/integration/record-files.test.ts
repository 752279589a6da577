// Files on records, on Solarium's lead documents and customer KYC (seed §3.4, §4.4): type judged
// from the bytes, size refused while streaming, every version kept, review states, at most 7
// active per lead (under parallel uploads too), signed downloads, scopes, timeline and audit.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let phoneSeq = 9300000000;
const nextPhone = () => String(phoneSeq++);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), Buffer.alloc(5000, 32), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'), Buffer.alloc(200, 0)]);
const JPG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(300, 7), Buffer.from('ffd9', 'hex')]);
const ELF = Buffer.concat([Buffer.from('7f454c46020101000000000000000000', 'hex'), Buffer.alloc(600, 1)]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(100, 0)]);

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

async function createLead(email: string, extra: Record<string, unknown> = {}) {
  const res = await s.request.post('/solarium/leads').set(auth(await s.login(email))).send({ name: 'Ravi Kumar', phone: nextPhone(), city: 'Pune', ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; version: number };
}

async function upload(email: string, leadId: string, content: Buffer, fileName: string, fields: Record<string, string> = {}, path = `/solarium/leads/${leadId}/docs`) {
  let req = s.request.post(path).set(auth(await s.login(email)));
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', content, fileName);
}

async function blobKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const k of s.engine.blob('solarium').list(prefix)) keys.push(k);
  return keys;
}

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: s.databaseUrl });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

describe('lead documents (POST /solarium/leads/{id}/docs)', () => {
  it('stores a PDF as sent, judged a PDF from its bytes, pending review, in the timeline and the audit log', async () => {
    const lead = await createLead('cp1@solarium.test');
    const res = await upload('cp1@solarium.test', lead.id, PDF, 'electricity-bill.pdf', { label: 'Electricity bill' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ slot: 'docs', label: 'Electricity bill', status: 'pending_review', version: 1, fileName: 'electricity-bill.pdf', contentType: 'application/pdf', size: PDF.length, sha256: sha(PDF), removed: false });

    const listed = await s.request.get(`/solarium/leads/${lead.id}/docs`).set(auth(await s.login('cp1@solarium.test')));
    expect(listed.body.data.map((f: { id: string }) => f.id)).toEqual([res.body.data.id]);

    const timeline = await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(auth(await s.login('cp1@solarium.test')));
    const entry = timeline.body.data.find((e: { event: string }) => e.event === 'file.upload');
    expect(entry).toMatchObject({ role: 'cp', from: 'new_lead', to: 'new_lead', input: { slot: 'docs', fileId: res.body.data.id, version: 1, sha256: sha(PDF), fileName: 'electricity-bill.pdf' } });
    const audit = await query("SELECT action FROM audit_entries WHERE record_id = $1 AND action LIKE 'file.%'", [lead.id]);
    expect(audit.map((a) => a.action)).toEqual(['file.upload']);
    // Uploading a document is not a change of the lead: its version stays.
    const got = await s.request.get(`/solarium/leads/${lead.id}`).set(auth(await s.login('cp1@solarium.test')));
    expect(got.body.data.version).toBe(lead.version);
  });

  it('refuses, with 415, a PNG named .pdf, a program named .jpg and a type the slot does not take, storing nothing', async () => {
    const lead = await createLead('cp1@solarium.test');
    const before = (await blobKeys(`files/lead/${lead.id}/`)).length;
    for (const [content, name] of [[PNG, 'bill.pdf'], [ELF, 'photo.jpg'], [GIF, 'anim.gif'], [Buffer.from('plain text, no magic'), 'notes.pdf']] as const) {
      const res = await upload('cp1@solarium.test', lead.id, content, name);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(415);
      expect(res.body).toMatchObject({ success: false, error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    }
    // What the bytes are, under its own name, is accepted: a PNG named .png, a JPEG named .jpeg.
    expect((await upload('cp1@solarium.test', lead.id, PNG, 'site.png')).body.data.contentType).toBe('image/png');
    expect((await upload('cp1@solarium.test', lead.id, JPG, 'roof.JPEG')).body.data.contentType).toBe('image/jpeg');
    const listed = await s.request.get(`/solarium/leads/${lead.id}/docs`).set(auth(await s.login('cp1@solarium.test')));
    expect(listed.body.data).toHaveLength(2);
    expect(await blobKeys(`files/lead/${lead.id}/`)).toHaveLength(before + 2);
  });

  it('refuses a file over 10 MB with 413 while it streams, and takes one of exactly 10 MB', async () => {
    const lead = await createLead('cp1@solarium.test');
    const big = Buffer.concat([PDF.subarray(0, 64), Buffer.alloc(10 * 1024 * 1024 + 1 - 64, 65)]);
    const refused = await upload('cp1@solarium.test', lead.id, big, 'big.pdf');
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await blobKeys(`files/lead/${lead.id}/`)).toEqual([]);
    const fits = await upload('cp1@solarium.test', lead.id, big.subarray(0, 10 * 1024 * 1024), 'fits.pdf');
    expect(fits.status).toBe(201);
    expect(fits.body.data).toMatchObject({ size: 10 * 1024 * 1024, sha256: sha(big.subarray(0, 10 * 1024 * 1024)) });
  });

  it('keeps every version: a new one under Pending Review or Rejected, none once Approved', async () => {
    const lead = await createLead('cp1@solarium.test');
    const cp = 'cp1@solarium.test';
    const first = (await upload(cp, lead.id, PDF, 'pan.pdf')).body.data as { id: string };
    const v2 = await upload(cp, lead.id, PNG, 'pan-scan.png', { fileId: first.id });
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(v2.body.data).toMatchObject({ id: first.id, version: 2, contentType: 'image/png', status: 'pending_review' });

    const kam = auth(await s.login('kam@solarium.test'));
    const rejected = await s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/${first.id}/review`).set(kam).send({ status: 'rejected', note: 'Blurred' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.data).toMatchObject({ status: 'rejected', reviewNote: 'Blurred', reviewedBy: expect.any(String) });
    const v3 = await upload(cp, lead.id, JPG, 'pan.jpg', { fileId: first.id });
    expect(v3.body.data).toMatchObject({ version: 3, status: 'pending_review', reviewNote: null });

    expect((await s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/${first.id}/review`).set(kam).send({ status: 'approved' })).status).toBe(200);
    const refused = await upload(cp, lead.id, PDF, 'pan.pdf', { fileId: first.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/approved/);

    const got = await s.request.get(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/${first.id}`).set(auth(await s.login(cp)));
    expect(got.body.data.versions.map((v: { version: number; sha256: string }) => [v.version, v.sha256])).toEqual([
      [1, sha(PDF)],
      [2, sha(PNG)],
      [3, sha(JPG)],
    ]);
    // An earlier version is still there, byte for byte.
    const old = await s.request.get(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/${first.id}?version=1`).set(auth(await s.login(cp)));
    const bytes = await fetchBytes(old.body.data.download.url);
    expect(sha(bytes)).toBe(sha(PDF));
    expect(await blobKeys(`files/lead/${lead.id}/docs/${first.id}/`)).toHaveLength(3);
  });

  it('refuses an 8th active document with 409 and an explanation; removing one makes room', async () => {
    const lead = await createLead('cp1@solarium.test');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await upload('cp1@solarium.test', lead.id, PDF, `doc-${i}.pdf`)).body.data.id);
    const eighth = await upload('cp1@solarium.test', lead.id, PDF, 'doc-8.pdf');
    expect(eighth.status).toBe(409);
    expect(eighth.body.error).toMatchObject({ code: 'LIMIT_REACHED' });
    expect(eighth.body.error.message).toMatch(/7 active lead documents/);
    // A new version of one of the seven is not an eighth document.
    expect((await upload('cp1@solarium.test', lead.id, PNG, 'doc-0.png', { fileId: ids[0]! })).status).toBe(201);
    const removed = await s.request.delete(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/${ids[1]}`).set(auth(await s.login('admin@solarium.test')));
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.data.removed).toBe(true);
    expect((await upload('cp1@solarium.test', lead.id, PDF, 'doc-8.pdf')).status).toBe(201);
  });

  it('holds the limit of 7 under 10 parallel uploads: exactly 7 stored, 3 refused, no blob left behind', async () => {
    const lead = await createLead('cp1@solarium.test');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => upload('cp1@solarium.test', lead.id, PDF, `p-${i}.pdf`)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 201, 201, 409, 409, 409]);
    const [{ n }] = (await query<{ n: string }>('SELECT count(*) AS n FROM record_files WHERE record_id = $1 AND NOT removed', [lead.id])) as [{ n: string }];
    expect(Number(n)).toBe(7);
    expect(await blobKeys(`files/lead/${lead.id}/`)).toHaveLength(7);
  });

  it('downloads through a short-lived signed URL that needs no token, names the file, and expires', async () => {
    const lead = await createLead('cp1@solarium.test');
    const up = (await upload('cp1@solarium.test', lead.id, PDF, 'Bill – März.pdf')).body.data as { id: string };
    const got = await s.request.get(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/${up.id}`).set(auth(await s.login('kam@solarium.test')));
    expect(got.status).toBe(200);
    const url = new URL(got.body.data.download.url as string);
    const res = await s.request.get(url.pathname).buffer(true).parse(collect as never);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''Bill%20%E2%80%93%20M%C3%A4rz.pdf");
    expect(sha(res.body as Buffer)).toBe(sha(PDF));

    const forged = await s.request.get(url.pathname.slice(0, -3) + 'abc');
    expect(forged.status).toBe(401);
    const then = s.clock.now;
    s.clock.now = new Date(then.getTime() + 301_000);
    try {
      const expired = await s.request.get(url.pathname);
      expect(expired.status).toBe(401);
      expect(expired.body.error.message).toMatch(/expired/);
    } finally {
      s.clock.now = then;
    }
  });
});

describe('direct uploads (a signed URL, then complete)', () => {
  async function direct(email: string, leadId: string, content: Buffer, fileName: string, extra: Record<string, unknown> = {}) {
    const who = auth(await s.login(email));
    const target = await s.request.post(`/v1/apps/solarium/records/lead/${leadId}/files/docs/upload-url`).set(who).send({ fileName, ...extra });
    expect(target.status, JSON.stringify(target.body)).toBe(200);
    const put = await s.request.put(new URL(target.body.data.uploadUrl as string).pathname).set(target.body.data.headers).set('Content-Type', 'application/octet-stream').send(content);
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    return { target: target.body.data as { upload: string; uploadUrl: string; maxBytes: number; types: string[] }, complete: () => s.request.post(`/v1/apps/solarium/records/lead/${leadId}/files/docs/complete`).set(who).send({ upload: target.body.data.upload }) };
  }

  it('stores a file PUT to the URL once completed, judged and hashed from the stored bytes', async () => {
    const lead = await createLead('cp1@solarium.test');
    const { target, complete } = await direct('cp1@solarium.test', lead.id, PDF, 'bill.pdf', { label: 'Bill' });
    expect(target).toMatchObject({ maxBytes: 10 * 1024 * 1024, types: ['application/pdf', 'image/png', 'image/jpeg'] });
    const done = await complete();
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body.data).toMatchObject({ fileName: 'bill.pdf', label: 'Bill', contentType: 'application/pdf', size: PDF.length, sha256: sha(PDF), version: 1 });
    expect((await complete()).status).toBe(409);
    // The URL itself is spent too.
    expect((await s.request.put(new URL(target.uploadUrl).pathname).send(PDF)).status).toBe(409);
    const timeline = await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(auth(await s.login('cp1@solarium.test')));
    expect(timeline.body.data.filter((e: { event: string }) => e.event === 'file.upload')).toHaveLength(1);
  });

  it('refuses at completion what an upload through the API would refuse, and deletes it', async () => {
    const lead = await createLead('cp1@solarium.test');
    const lying = await direct('cp1@solarium.test', lead.id, PNG, 'bill.pdf');
    const refused = await lying.complete();
    expect(refused.status).toBe(415);
    expect(await blobKeys(`files/lead/${lead.id}/`)).toEqual([]);
    // Someone else's completion token is not theirs to use.
    const mine = await direct('cp1@solarium.test', lead.id, PDF, 'bill.pdf');
    const stolen = await s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/complete`).set(auth(await s.login('kam@solarium.test'))).send({ upload: mine.target.upload });
    expect(stolen.status).toBe(403);
    expect((await mine.complete()).status).toBe(201);
  });

  it('holds the limit of 7 for direct uploads: the URL is refused once full, and so is a completion that would pass it', async () => {
    const lead = await createLead('cp1@solarium.test');
    const pending = [];
    for (let i = 0; i < 8; i++) pending.push(await direct('cp1@solarium.test', lead.id, PDF, `d-${i}.pdf`));
    const results = await Promise.all(pending.map((p) => p.complete()));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 201, 201, 409]);
    const full = await s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/upload-url`).set(auth(await s.login('cp1@solarium.test'))).send({ fileName: 'one-more.pdf' });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('LIMIT_REACHED');
    expect(await blobKeys(`files/lead/${lead.id}/`)).toHaveLength(7);
  });
});

describe('who may do what with files', () => {
  it('keeps another CP out (404, as for the lead), lets the lead’s customer upload, reviewers review, and nobody unsigned in', async () => {
    const lead = await createLead('cp1@solarium.test', { customer: 'customer1@solarium.test' });
    // Outside one's scope is 404, as for the lead itself: nobody learns the lead is there.
    const other = await upload('cp2@solarium.test', lead.id, PDF, 'x.pdf');
    expect(other.status).toBe(404);
    expect((await s.request.get(`/solarium/leads/${lead.id}/docs`).set(auth(await s.login('cp2@solarium.test')))).status).toBe(404);
    expect((await s.request.post(`/solarium/leads/${lead.id}/docs`).attach('file', PDF, 'x.pdf')).status).toBe(401);
    const byCustomer = await upload('customer1@solarium.test', lead.id, PDF, 'aadhaar.pdf');
    expect(byCustomer.status, JSON.stringify(byCustomer.body)).toBe(201);
    const fileId = byCustomer.body.data.id as string;
    const reviewPath = `/v1/apps/solarium/records/lead/${lead.id}/files/docs/${fileId}/review`;
    for (const who of ['cp1@solarium.test', 'customer1@solarium.test']) {
      const res = await s.request.post(reviewPath).set(auth(await s.login(who))).send({ status: 'approved' });
      expect(res.status, who).toBe(403);
    }
    expect((await s.request.post(reviewPath).set(auth(await s.login('cp2@solarium.test'))).send({ status: 'approved' })).status).toBe(404);
    for (const who of ['kam@solarium.test', 'admin@solarium.test']) {
      expect((await s.request.post(reviewPath).set(auth(await s.login(who))).send({ status: 'approved' })).status, who).toBe(200);
    }
    // Only admins and KAMs remove.
    const removePath = `/v1/apps/solarium/records/lead/${lead.id}/files/docs/${fileId}`;
    expect((await s.request.delete(removePath).set(auth(await s.login('cp1@solarium.test')))).status).toBe(403);
    expect((await s.request.delete(removePath).set(auth(await s.login('kam@solarium.test')))).status).toBe(200);
  });

  it('enforces the same rules on the generic route as on the seed’s', async () => {
    const lead = await createLead('cp1@solarium.test');
    const path = `/v1/apps/solarium/records/lead/${lead.id}/files/docs`;
    expect((await upload('cp2@solarium.test', lead.id, PDF, 'x.pdf', {}, path)).status).toBe(404);
    expect((await upload('cp1@solarium.test', lead.id, PNG, 'x.pdf', {}, path)).status).toBe(415);
    expect((await upload('cp1@solarium.test', lead.id, PDF, 'x.pdf', {}, path)).status).toBe(201);
  });

  it('keeps KYC documents on the customer, in their KYC log, seen by the customer and their CP only', async () => {
    const created = await s.request.post('/solarium/customers').set(auth(await s.login('cp1@solarium.test'))).send({ name: 'Meera', phone: nextPhone(), email: 'customer1@solarium.test' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id as string;
    const res = await upload('customer1@solarium.test', id, PDF, 'pan.pdf', {}, `/solarium/customers/${id}/kyc`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const log = await s.request.get(`/solarium/customers/${id}/kyc/log`).set(auth(await s.login('cp1@solarium.test')));
    expect(log.body.data.map((e: { event: string; to: string | null }) => [e.event, e.to])).toEqual([['file.upload', null]]);
    expect((await s.request.get(`/solarium/customers/${id}/kyc`).set(auth(await s.login('cp2@solarium.test')))).status).toBe(404);
    expect((await s.request.get(`/solarium/customers/${id}/kyc`).set(auth(await s.login('customer1@solarium.test')))).body.data).toHaveLength(1);
  });
});

describe('bad file requests', () => {
  it('answers each with a clear 4xx in the error format and stores nothing', async () => {
    const lead = await createLead('cp1@solarium.test');
    const cp = auth(await s.login('cp1@solarium.test'));
    const docs = `/solarium/leads/${lead.id}/docs`;
    const cases: [string, () => Promise<{ status: number; body: { success?: boolean } }>, number][] = [
      ['JSON instead of a file', () => s.request.post(docs).set(cp).send({ file: 'x' }), 415],
      ['no file part', () => s.request.post(docs).set(cp).field('label', 'x'), 400],
      ['file under another name', () => s.request.post(docs).set(cp).attach('document', PDF, 'a.pdf'), 400],
      ['unknown field', () => s.request.post(docs).set(cp).field('owner', 'me').attach('file', PDF, 'a.pdf'), 400],
      ['NUL in the label', () => s.request.post(docs).set(cp).field('label', 'a\u0000b').attach('file', PDF, 'a.pdf'), 400],
      ['a file id that is not one', () => s.request.post(docs).set(cp).field('fileId', 'nope').attach('file', PDF, 'a.pdf'), 400],
      ['an unknown file id', () => s.request.post(docs).set(cp).field('fileId', '00000000-0000-4000-8000-000000000000').attach('file', PDF, 'a.pdf'), 404],
      ['an empty file', () => s.request.post(docs).set(cp).attach('file', Buffer.alloc(0), 'a.pdf'), 400],
      ['a broken multipart body', () => s.request.post(docs).set(cp).set('Content-Type', 'multipart/form-data; boundary=xyz').send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 trunc'), 400],
      ['multipart without a boundary', () => s.request.post(docs).set(cp).set('Content-Type', 'multipart/form-data').send('x'), 400],
      ['an unknown slot', () => s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/files/photos`).set(cp).attach('file', PDF, 'a.pdf'), 404],
      ['a file to a route that takes JSON', () => s.request.post('/solarium/leads').set(cp).attach('file', PDF, 'a.pdf'), 415],
      ['an unknown review status', async () => s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/00000000-0000-4000-8000-000000000000/review`).set(auth(await s.login('kam@solarium.test'))).send({ status: 'lost' }), 400],
      ['a review without a token', () => s.request.post(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/00000000-0000-4000-8000-000000000000/review`).send({ status: 'approved' }), 401],
      ['a version that is not one', () => s.request.get(`/v1/apps/solarium/records/lead/${lead.id}/files/docs/00000000-0000-4000-8000-000000000000?version=x`).set(cp), 404],
    ];
    for (const [what, call, status] of cases) {
      const res = await call();
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body.success, what).toBe(false);
    }
    expect((await s.request.get(docs).set(cp)).body.data).toEqual([]);
    expect(await blobKeys(`files/lead/${lead.id}/`)).toEqual([]);
  });
});

function collect(r: NodeJS.ReadableStream, cb: (err: Error | null, body: unknown) => void) {
  const chunks: Buffer[] = [];
  r.on('data', (c: Buffer) => chunks.push(c));
  r.on('end', () => cb(null, Buffer.concat(chunks)));
}

async function fetchBytes(url: string): Promise<Buffer> {
  const res = await s.request.get(new URL(url).pathname).buffer(true).parse(collect as never);
  expect(res.status).toBe(200);
  return res.body as Buffer;
}
