// Rendered documents (seed 001 §4.3: "Once stored, it generates an immutable PDF and stores it in
// Azure Blob"; "If PDF generation or Blob storage uploads fail, the BCKND ... does not finalize the
// quotation"): Solarium's quotation renders its `quotation` document on
// creation, a lead renders a summary on a move; the PDF is stored write-once in the app's blob
// store (here a recording store that fails on demand), its key and hash are on the record, and
// GET .../documents/{field} serves it to whoever may read the record.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../../engine/documents/render-pdf.ts';
import { memoryBlobs, type MemoryBlobs } from '../support/memory-blob-plugin.ts';
import { conformance } from '../support/openapi-conformance.ts';
import { queryRows } from '../support/sql.ts';
import { quotationWizard } from '../support/solarium.ts';
import { DEFINITIONS_DIR, startTestServer, type TestServer } from '../support/test-server.ts';

let dir: string;
let s: TestServer;
let store: MemoryBlobs;
let cp1Id: string;
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });

/** definitions/ with Solarium's quotations (and their PDF), a lead summary rendered on a move, and the recording blob store. */
function withDocuments(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'rulepath-documents-'));
  cpSync(DEFINITIONS_DIR, root, { recursive: true });
  const edit = (file: string, pairs: [string | RegExp, string][]) => {
    const f = path.join(root, 'solarium', file);
    let text = readFileSync(f, 'utf8');
    for (const [a, b] of pairs) {
      const next = text.replace(a, b);
      if (next === text) throw new Error(`${file}: nothing to replace for ${String(a)}`);
      text = next;
    }
    writeFileSync(f, text);
  };
  // The recording blob store instead of fs (the app's SMS and e-mail vendors stay as they are).
  edit('app.yaml', [['\nproviders:\n', '\nproviders:\n  blob: { provider: memory }\n']]);
  edit('lead.entity.yaml', [
    [/\nfields:\n/, '\nfields:\n  summary: { type: object, immutable: true, label: Summary PDF }\n'],
    [/\nuniqueKeys:\n/, '\nonCreate:\n  - render: { document: lead-summary, field: summary }\nuniqueKeys:\n'],
  ]);
  edit('lead-status.workflow.yaml', [
    [
      '    quotation_shared: { roles: [cp, admin, kam], effects: [{ notify: { template: quotation-shared-email, to: "{{record.email}}" } }] }\n    on_hold',
      '    quotation_shared: { roles: [cp, admin, kam], effects: [{ notify: { template: quotation-shared-email, to: "{{record.email}}" } }, { render: { document: lead-summary, field: summary } }] }\n    on_hold',
    ],
    // A quotation made by a move (the create effect) renders its PDF too, inside the move's transaction.
    [
      '  in_discussion:\n    site_survey: [cp, admin, kam]',
      `  in_discussion:
    site_survey:
      roles: [cp, admin, kam]
      effects:
        - create:
            entity: quotation
            fields: { leadId: "{{record.id}}", assignedCp: "{{record.assignedCp}}", location: "{{record.city}}", phase: single, capacityKw: 3, panelModel: Mono PERC 540, panelWattage: 540, panelCount: 6, inverterModel: Grid-tie 3 kW, lines: [{ label: Survey kit, qty: 1, unitPrice: 150000 }] }`,
    ],
  ]);
  writeFileSync(
    path.join(root, 'solarium', 'lead-summary.document.yaml'),
    `kind: document
name: lead-summary
entity: lead
title: "Lead {{record.name}}"
sections:
  - fields:
      - { label: City, value: record.city }
      - { label: Status, value: record.status }
      - { label: Capacity, value: record.capacityKw, format: number }
footer: "{{app.name}} — {{now}}"
`,
  );
  return root;
}

beforeAll(async () => {
  store = memoryBlobs('memory');
  dir = withDocuments();
  s = await startTestServer({ definitionsDir: dir, plugins: [store.plugin] });
  // A fixed time before anyone signs in: renderedAt and the retention are asserted to the second.
  s.clock.now = new Date('2026-11-30T09:15:00.000Z');
  expect(s.engine.loadReport.refused).toEqual([]);
  const users = (await s.request.get('/v1/apps/solarium/users?role=cp').set(await auth('admin@solarium.test'))).body.data as { id: string; email: string }[];
  cp1Id = users.find((u) => u.email === 'cp1@solarium.test')!.id;
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const wizard = (leadId: string, extra: Record<string, unknown> = {}) => quotationWizard(leadId, extra);

let phones = 0;
async function lead(who = 'cp1@solarium.test') {
  const res = await s.request.post('/solarium/leads').set(await auth(who)).send({ name: 'Ravi Kumar', phone: `98333${String(++phones).padStart(5, '0')}`, city: 'Pune', capacityKw: 3 });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

async function quotation(who = 'cp1@solarium.test', extra: Record<string, unknown> = {}) {
  const res = await s.request.post('/v1/apps/solarium/records/quotation').set(await auth(who)).send(wizard(await lead(who), extra));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as Record<string, any>;
}

const pdfText = async (bytes: Buffer) => (await new PDFParse({ data: new Uint8Array(bytes) }).getText()).text;
const download = (url: string, headers: Record<string, string>) =>
  s.request.get(url).set(headers).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

describe('render effect on create (the quotation PDF)', () => {
  it('stores a PDF of the quotation as created, write-once for seven years, its key and hash on the record', async () => {
    const q = await quotation();
    expect(q.pdf).toEqual({ key: expect.stringMatching(new RegExp(`^documents/quotation/${q.id}/quotation-[0-9a-f-]{36}\\.pdf$`)), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number), contentType: 'application/pdf', renderedAt: '2026-11-30T09:15:00.000Z', document: 'quotation' });
    const written = store.writes.filter((w) => w.key === q.pdf.key);
    expect(written).toEqual([{ key: q.pdf.key, outcome: 'stored', options: { contentType: 'application/pdf', immutable: true, retainUntil: new Date('2033-11-30T09:15:00.000Z') } }]);
    const bytes = store.blobs.get(q.pdf.key)!.bytes;
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(q.pdf.sha256);
    expect(bytes.length).toBe(q.pdf.size);
  });

  it('prints the customer-visible figures, as the server computed them (Rs, Indian grouping)', async () => {
    const q = await quotation();
    const text = await pdfText(store.blobs.get(q.pdf.key)!.bytes);
    // 87,000 + 38,000 + 25,000 = 1,50,000; GST 8.9 % = 13,350; subsidy for 3 kW = 78,000.
    for (const figure of ['Subtotal Rs 1,50,000.00', 'GST Rs 13,350.00', 'Total Rs 1,63,350.00', 'Central subsidy Rs 78,000.00', 'Net payable Rs 85,350.00', 'Panels 6 Rs 14,500.00', 'Kothrud, Pune', `Quotation ${q.id}`]) {
      expect(text).toContain(figure);
    }
  });

  it('renders byte-identical PDFs for the same record and time, so the stored one can be checked', async () => {
    const q = await quotation();
    const app = s.engine.registry().apps.get('solarium')!;
    const { pdf, ...record } = (await s.request.get(`/v1/apps/solarium/records/quotation/${q.id}`).set(await auth('admin@solarium.test'))).body.data;
    const again = await renderPdf(app.documents.get('quotation')!, { record, app: { id: app.id, name: app.name }, now: new Date(pdf.renderedAt) });
    expect(createHash('sha256').update(again).digest('hex')).toBe(q.pdf.sha256);
  });

  it('never changes the stored bytes: a later read has the same hash, a second write to the key is refused, a client cannot replace the field', async () => {
    const q = await quotation();
    const headers = await auth('admin@solarium.test');
    const first = await download(`/v1/apps/solarium/records/quotation/${q.id}/documents/pdf`, headers);
    s.clock.now = new Date(s.clock.now.getTime() + 60_000);
    const later = await download(`/v1/apps/solarium/records/quotation/${q.id}/documents/pdf`, headers);
    expect(createHash('sha256').update(later.body as Buffer).digest('hex')).toBe(q.pdf.sha256);
    expect((later.body as Buffer).equals(first.body as Buffer)).toBe(true);
    await expect(s.engine.blob('solarium').write(q.pdf.key, Buffer.from('%PDF-forged'), { contentType: 'application/pdf', immutable: true })).rejects.toMatchObject({ vendorCode: 'BLOB_EXISTS' });
    expect(createHash('sha256').update(store.blobs.get(q.pdf.key)!.bytes).digest('hex')).toBe(q.pdf.sha256);
    // The field is the render's: immutable for clients (no role may update quotations anyway), and a create cannot bring its own.
    const forged = await s.request.post('/v1/apps/solarium/records/quotation').set(await auth('cp1@solarium.test')).send(wizard(await lead(), { pdf: { key: 'documents/elsewhere.pdf', sha256: 'x' } }));
    expect(forged.status).toBe(201);
    expect(forged.body.data.pdf.key).toMatch(new RegExp(`^documents/quotation/${forged.body.data.id}/`));
  });

  it('gives every render its own key: two quotations never share a blob', async () => {
    const [a, b] = [await quotation(), await quotation()];
    expect(a.pdf.key).not.toBe(b.pdf.key);
  });
});

describe('a failing blob store', () => {
  it('answers 503 DOCUMENT_RENDER_FAILED and finalises nothing: no quotation, no audit or timeline entry', async () => {
    const cp = await auth('cp1@solarium.test');
    const leadId = await lead();
    const audits = async () => (await queryRows<{ n: number }>(s.databaseUrl, "SELECT count(*)::int AS n FROM audit_entries WHERE app = 'solarium' AND entity = 'quotation'"))[0]!.n;
    const timeline = async () => (await queryRows<{ n: number }>(s.databaseUrl, "SELECT count(*)::int AS n FROM timeline_entries t JOIN records r ON r.id = t.record_id WHERE r.entity = 'quotation'"))[0]!.n;
    const [auditsBefore, timelineBefore] = [await audits(), await timeline()];
    store.failWrites = true;
    try {
      const res = await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId));
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.body).toMatchObject({ success: false, error: { code: 'DOCUMENT_RENDER_FAILED', message: 'The quotation document could not be stored; nothing was saved, try again', details: [{ path: '$', message: 'The blob store did not answer; try again' }] }, traceId: expect.any(String) });
    } finally {
      store.failWrites = false;
    }
    const listed = await s.request.get(`/v1/apps/solarium/records/quotation?leadId=${leadId}`).set(cp);
    expect(listed.body.data.items).toEqual([]);
    expect(await audits()).toBe(auditsBefore);
    expect(await timeline()).toBe(timelineBefore);
    // The same request once the store answers again: stored.
    expect((await s.request.post('/solarium/quotations').set(cp).send(wizard(leadId))).status).toBe(200);
  });

  it('leaves no document on a record whose write then fails: the PDF stored for it is abandoned (the write-once store keeps it: logged as an orphan)', async () => {
    const cp = await auth('cp1@solarium.test');
    const phone = '9844400001';
    const first = await s.request.post('/solarium/leads').set(cp).send({ name: 'Asha', phone, city: 'Pune', capacityKw: 3 });
    expect(first.status).toBe(201);
    const writes = store.writes.length;
    // Rendered and stored, then the insert meets the taken phone number.
    const again = await s.request.post('/solarium/leads').set(cp).send({ name: 'Asha again', phone, city: 'Pune', capacityKw: 3 });
    expect(again.status).toBe(409);
    const [orphan] = store.writes.slice(writes);
    expect(orphan).toMatchObject({ key: expect.stringMatching(/^documents\/lead\/[0-9a-f-]{36}\/lead-summary-/), outcome: 'stored' });
    expect(store.deletes.at(-1)).toEqual({ key: orphan!.key, outcome: 'refused' });
    const recordId = orphan!.key.split('/')[2];
    expect(await queryRows(s.databaseUrl, 'SELECT id FROM records WHERE id = $1', [recordId])).toEqual([]);
    const holders = await queryRows(s.databaseUrl, "SELECT id FROM records WHERE data->'summary'->>'key' = $1", [orphan!.key]);
    expect(holders).toEqual([]);
  });
});

describe('render effect on a move (a lead summary)', () => {
  it('renders the record as the move writes it, in the same write', async () => {
    const cp = await auth('cp1@solarium.test');
    const id = await lead();
    expect((await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'in_discussion' })).status).toBe(200);
    const moved = await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'quotation_shared' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const record = (await s.request.get(`/v1/apps/solarium/records/lead/${id}`).set(cp)).body.data;
    expect(record.summary).toMatchObject({ key: expect.stringMatching(new RegExp(`^documents/lead/${id}/lead-summary-`)), document: 'lead-summary' });
    const text = await pdfText(store.blobs.get(record.summary.key)!.bytes);
    expect(text).toContain('Status quotation_shared');
    // The move's audit entry carries the document with what it changed.
    const [audit] = await queryRows<{ after: { data: Record<string, unknown> } }>(s.databaseUrl, "SELECT after FROM audit_entries WHERE record_id = $1 AND action = 'transition' ORDER BY id DESC LIMIT 1", [id]);
    expect(audit!.after.data.summary).toEqual(record.summary);
  });

  it('refuses the move when the store fails: the lead stays where it was', async () => {
    const cp = await auth('cp1@solarium.test');
    const id = await lead();
    expect((await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'in_discussion' })).status).toBe(200);
    const before = (await s.request.get(`/v1/apps/solarium/records/lead/${id}`).set(cp)).body.data;
    store.failWrites = true;
    try {
      const res = await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'quotation_shared' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('DOCUMENT_RENDER_FAILED');
    } finally {
      store.failWrites = false;
    }
    const record = (await s.request.get(`/v1/apps/solarium/records/lead/${id}`).set(cp)).body.data;
    // Where it was, with the summary rendered at its creation (this lead renders one on create too).
    expect(record).toEqual(before);
    expect(record).toMatchObject({ status: 'in_discussion', version: 2, summary: { renderedAt: record.createdAt } });
  });
});

describe('render effect on a record another move creates (the create effect)', () => {
  it('stores the created record’s PDF before it is inserted, in the move’s write', async () => {
    const cp = await auth('cp1@solarium.test');
    const id = await lead();
    expect((await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'in_discussion' })).status).toBe(200);
    const moved = await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'site_survey' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const [made] = (await s.request.get(`/v1/apps/solarium/records/quotation?leadId=${id}`).set(cp)).body.data.items;
    expect(made.pdf).toMatchObject({ key: expect.stringMatching(new RegExp(`^documents/quotation/${made.id}/quotation-`)), document: 'quotation' });
    const bytes = store.blobs.get(made.pdf.key)!.bytes;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(made.pdf.sha256);
    expect(await pdfText(bytes)).toContain('Total Rs 1,63,350.00');
  });

  it('refuses the move when the created record’s PDF cannot be stored: no quotation, the lead stays', async () => {
    const cp = await auth('cp1@solarium.test');
    const id = await lead();
    expect((await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'in_discussion' })).status).toBe(200);
    store.failWrites = true;
    try {
      const res = await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'site_survey' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('DOCUMENT_RENDER_FAILED');
    } finally {
      store.failWrites = false;
    }
    expect((await s.request.get(`/v1/apps/solarium/records/quotation?leadId=${id}`).set(cp)).body.data.items).toEqual([]);
    expect((await s.request.get(`/v1/apps/solarium/records/lead/${id}`).set(cp)).body.data.status).toBe('in_discussion');
  });
});

describe('records.document (GET .../documents/{field})', () => {
  it('streams the stored PDF as an attachment with a safe name, on the generic route and the seed alias', async () => {
    const q = await quotation();
    const cp = await auth('cp1@solarium.test');
    for (const url of [`/v1/apps/solarium/records/quotation/${q.id}/documents/pdf`, `/solarium/quotations/${q.id}/pdf`]) {
      const res = await download(url, cp);
      expect(res.status, url).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`attachment; filename=quotation-${q.id}.pdf`);
      expect(createHash('sha256').update(res.body as Buffer).digest('hex')).toBe(q.pdf.sha256);
    }
  });

  it('serves it role by role as records.get would: admin and KAM all, a CP only theirs (another CP’s is outside their scope), a customer only once shared with them', async () => {
    const mine = await quotation('cp1@solarium.test');
    const theirs = await quotation('cp2@solarium.test');
    const url = (id: string) => `/v1/apps/solarium/records/quotation/${id}/documents/pdf`;
    for (const who of ['admin@solarium.test', 'kam@solarium.test']) {
      for (const q of [mine, theirs]) expect((await download(url(q.id), await auth(who))).status, who).toBe(200);
    }
    const cp1 = await auth('cp1@solarium.test');
    expect((await download(url(mine.id), cp1)).status).toBe(200);
    // As records.get answers it (engine/records/record-scope.ts: out of scope reads as missing), and nothing of the blob is touched.
    const reads = store.writes.length;
    const other = await s.request.get(url(theirs.id)).set(cp1);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ success: false, error: { code: 'RECORD_NOT_FOUND' } });
    expect((await s.request.get(`/v1/apps/solarium/records/quotation/${theirs.id}`).set(cp1)).status).toBe(404);
    expect(store.writes.length).toBe(reads);
    // A customer's scope is the quotations shared with them (quotation-sharing.workflow.yaml): this one is not.
    const customer = await s.request.get(url(mine.id)).set(await auth('customer1@solarium.test'));
    expect(customer.status).toBe(404);
    expect(customer.body.error.code).toBe('RECORD_NOT_FOUND');
    const addressed = await quotation('cp1@solarium.test', { customer: 'customer1@solarium.test' });
    expect((await s.request.post(`/solarium/quotations/${addressed.id}/share`).set(cp1).send({})).status).toBe(200);
    expect((await download(url(addressed.id), await auth('customer1@solarium.test'))).status).toBe(200);
    const anonymous = await s.request.get(url(mine.id));
    expect(anonymous.status).toBe(401);
  });

  it('answers bad input in the error format: an unknown field, a field that holds no document, an id that is not one, NUL bytes', async () => {
    const q = await quotation();
    const admin = await auth('admin@solarium.test');
    const base = `/v1/apps/solarium/records/quotation/${q.id}/documents`;
    for (const [url, status] of [
      [`${base}/colour`, 404],
      [`${base}/location`, 404],
      [`${base}/pd%00f`, 400],
      [`/v1/apps/solarium/records/quotation/not-an-id/documents/pdf`, 404],
      [`/v1/apps/solarium/records/quotation/00000000-0000-4000-8000-000000000000/documents/pdf`, 404],
      [`/v1/apps/solarium/records/lead/${q.leadId}/documents/pdf`, 404],
      [`${base}/p-d`, 400],
    ] as const) {
      const res = await s.request.get(url).set(admin);
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body, url).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
    }
  });

  it('is described in /openapi.json for the entities that render (generic route and alias), and answers as described', async () => {
    const doc = (await s.request.get('/openapi.json')).body;
    const c = conformance(doc);
    const generic = doc.paths['/v1/apps/solarium/records/quotation/{id}/documents/{field}'].get;
    expect(generic.parameters.find((p: { name: string }) => p.name === 'field').schema.enum).toEqual(['pdf']);
    expect(Object.keys(generic.responses['200'].content)).toEqual(['application/pdf']);
    expect(doc.paths['/v1/apps/solarium/records/lead/{id}/documents/{field}'].get.parameters.find((p: { name: string }) => p.name === 'field').schema.enum).toEqual(['summary']);
    expect(doc.paths['/solarium/quotations/{id}/pdf'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['id']);
    expect(doc.paths['/v1/apps/solarium/records/commission/{id}/documents/{field}']).toBeUndefined();
    const q = await quotation();
    const cp2 = await auth('cp2@solarium.test');
    for (const url of [`/v1/apps/solarium/records/quotation/${q.id}/documents/pdf`, `/solarium/quotations/${q.id}/pdf`]) {
      // As text, so the checker sees a body (the bytes are asserted above).
      const got = await download(url, await auth('kam@solarium.test'));
      const accepted = c.check('GET', url, { status: got.status, headers: got.headers, text: (got.body as Buffer).toString('latin1'), body: {} } as unknown as typeof got);
      expect(accepted.status).toBe(200);
      expect(c.check('GET', url, await s.request.get(url).set(cp2)).status).toBe(404);
      expect(c.check('GET', url, await s.request.get(url)).status).toBe(401);
    }
    expect([...c.coverage.ok].sort()).toEqual(['GET /solarium/quotations/{id}/pdf', 'GET /v1/apps/solarium/records/quotation/{id}/documents/{field}']);
    expect([...c.coverage.refused].sort()).toEqual([...c.coverage.ok].sort());
  });

  it('answers 302 to a signed URL where the store signs its own (Azure Blob), after the same checks', async () => {
    const q = await quotation();
    store.signedDownloads = true;
    try {
      const res = await s.request.get(`/v1/apps/solarium/records/quotation/${q.id}/documents/pdf`).set(await auth('kam@solarium.test')).redirects(0);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(`https://blobs.test/${q.pdf.key}?sig=test&name=${encodeURIComponent(`quotation-${q.id}.pdf`)}`);
      const other = await s.request.get(`/v1/apps/solarium/records/quotation/${q.id}/documents/pdf`).set(await auth('cp2@solarium.test')).redirects(0);
      expect(other.status).toBe(404);
    } finally {
      store.signedDownloads = false;
    }
  });
});
