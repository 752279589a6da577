import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type pg from 'pg';
import { pino } from 'pino';
import supertest from 'supertest';
import { createHttpApp } from '../../server/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { activePromotion, BASE, createTransaction, PHONES, seedMasterData, signIn, type Headers } from '../support/promopartner.ts';

let s: TestServer;
let admin: Headers;
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

beforeAll(async () => {
  s = await startTestServer();
  admin = await signIn(s, PHONES.admin);
  await seedMasterData(s, admin);
});
afterAll(async () => s?.close());

/** The whole client flow of §4.6: upload URL, PUT the file, register, wait for the job. */
async function importCsv(entity: string, csv: string | Buffer, h: Headers = admin) {
  const url = await s.request.get(`${BASE}/csv-jobs/${entity}/sas-url`).set(h);
  expect(url.status, JSON.stringify(url.body)).toBe(200);
  const put = await s.request.put(url.body.data.uploadPath).set('Content-Type', 'text/csv').send(Buffer.from(csv));
  expect(put.status, JSON.stringify(put.body)).toBe(201);
  const reg = await s.request.post(`${BASE}/csv-jobs/${entity}/register`).set(h).send({ blobName: url.body.data.blobName });
  expect(reg.status, JSON.stringify(reg.body)).toBe(202);
  expect(reg.body.data).toMatchObject({ status: 'queued', rowsDone: 0 });
  await s.engine.imports.runPending();
  const status = await s.request.get(`${BASE}/csv-jobs/${reg.body.data.id}`).set(h);
  return status.body.data as { id: string; status: string; totalRows: number; rowsDone: number; rowsApplied: number; rowsFailed: number; percent: number; message: string; errorReport: boolean };
}
const errorsOf = async (id: string) => (await s.request.get(`${BASE}/csv-jobs/${id}/errors`).set(admin)).text;
const product = async (sku: string) => (await s.request.get(`${BASE}/products?sku=${sku}`).set(admin)).body.data.items[0];

describe('product master import (§4.6.1)', () => {
  it('upserts by SKU, applies valid rows, reports invalid ones by row and column, and emails the result', async () => {
    const csv = [
      'sku,name,category,mrp,coating,active',
      'IMP-001,Imported lens,lens,1500,blue-cut,yes', // new
      'lens-bc-160,Blue-cut 1.60 (renamed),lens,4200,,', // existing, other case: updated
      'IMP-002,Bad price,frame,cheap,,', // mrp not a number
      'IMP-003,Bad category,glasses,100,,', // not in the enum
      'IMP-DUP,First,frame,100,,',
      'IMP-004,,frame,100,,maybe', // no name, bad boolean
      'imp-dup,Second,frame,200,,', // the same SKU again: both refused
      ',No SKU,frame,100,,',
    ].join('\n');
    const job = await importCsv('product', csv);
    expect(job).toMatchObject({ status: 'completed', totalRows: 8, rowsDone: 8, rowsApplied: 2, rowsFailed: 6, percent: 100, errorReport: true });
    expect(await product('IMP-001')).toMatchObject({ name: 'Imported lens', mrp: 1500, active: true, coating: 'blue-cut' });
    expect(await product('LENS-BC-160')).toMatchObject({ name: 'Blue-cut 1.60 (renamed)', mrp: 4200, coating: 'blue-cut' });
    expect(await product('IMP-DUP')).toBeUndefined();
    const report = (await errorsOf(job.id)).trim().split('\n');
    expect(report[0]).toBe('row,column,message');
    expect(report.slice(1)).toEqual([
      '4,mrp,"""cheap"" is not a number"',
      expect.stringMatching(/^5,category,/),
      '6,sku,"""IMP-DUP"" appears more than once in this file; none of its rows were applied"',
      '7,active,"""maybe"" is not true or false"',
      '8,sku,"""imp-dup"" appears more than once in this file; none of its rows were applied"',
      '9,sku,"""sku"" is required to match the row"',
    ]);
    await s.engine.outbox.idle();
    const mail = await sql<{ recipient: string; payload: { subject: string; text: string } }>("SELECT recipient, payload FROM outbox_messages WHERE record_id = $1", [job.id]);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ recipient: 'admin@promopartner.test', payload: { subject: 'Import product completed' } });
    expect(mail[0]!.payload.text).toContain('8 read, 2 applied, 6 refused');
    // Every write went through the record service: audited as the admin who registered the file.
    const audit = await sql<{ role: string }>("SELECT DISTINCT a.role FROM audit_entries a JOIN records r ON r.id = a.record_id WHERE r.data->>'sku' = 'IMP-001'");
    expect(audit).toEqual([{ role: 'admin' }]);
  });

  it('fails a file whose header does not fit, naming the columns', async () => {
    const job = await importCsv('product', 'sku,name,colour\nX1,Thing,red\n');
    expect(job.status).toBe('failed');
    expect(job.message).toContain('unknown columns: colour');
    expect(job.rowsApplied).toBe(0);
  });

  it('refuses a row whose cell holds a NUL (text PostgreSQL cannot store) and applies the rest; a NUL in the header fails the file cleanly', async () => {
    const job = await importCsv('product', 'sku,name,category,mrp\nNUL-1,Nul\u0000name,frame,100\nNUL\u00002,Nul key,frame,100\nNUL-3,Fine,frame,100\n');
    expect(job).toMatchObject({ status: 'completed', totalRows: 3, rowsApplied: 1, rowsFailed: 2, errorReport: true });
    expect(await product('NUL-3')).toMatchObject({ name: 'Fine' });
    expect(await product('NUL-1')).toBeUndefined();
    expect((await errorsOf(job.id)).trim().split('\n').slice(1)).toEqual([
      '2,name,Text may not contain NUL characters or unpaired surrogates',
      '3,sku,Text may not contain NUL characters or unpaired surrogates',
    ]);
    const bad = await importCsv('product', 'sku,na\u0000me\nNUL-4,x\n');
    expect(bad).toMatchObject({ status: 'failed', rowsApplied: 0 });
    expect(bad.message).toContain('unknown columns: na\ufffdme');
  });

  it('refuses files over 50 MB while they stream, a used or expired upload URL, and a blob that was never uploaded', async () => {
    const url = (await s.request.get(`${BASE}/csv-jobs/product/sas-url`).set(admin)).body.data;
    expect(url.maxBytes).toBe(50 * 1024 * 1024);
    const big = await s.request.put(url.uploadPath).set('Content-Type', 'text/csv').send(Buffer.alloc(50 * 1024 * 1024 + 1, 0x61));
    expect(big.status).toBe(413);
    const ok = await s.request.put(url.uploadPath).set('Content-Type', 'text/csv').send('sku,name,category\nZ1,Zed,frame\n');
    expect(ok.status).toBe(201);
    expect((await s.request.put(url.uploadPath).set('Content-Type', 'text/csv').send('sku\n')).status).toBe(409);
    const unused = (await s.request.get(`${BASE}/csv-jobs/product/sas-url`).set(admin)).body.data;
    const never = await s.request.post(`${BASE}/csv-jobs/product/register`).set(admin).send({ blobName: unused.blobName });
    expect(never.status).toBe(400);
    expect((await s.request.post(`${BASE}/csv-jobs/product/register`).set(admin).send({ blobName: '../../etc/passwd' })).status).toBe(400);
    s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000);
    expect((await s.request.put(unused.uploadPath).set('Content-Type', 'text/csv').send('sku\n')).status).toBe(401);
    admin = await signIn(s, PHONES.admin);
  });

  it('a signed upload URL accepts exactly one of 10 parallel PUTs; the others answer 409, none 5xx', async () => {
    const url = (await s.request.get(`${BASE}/csv-jobs/product/sas-url`).set(admin)).body.data;
    // Each its own size, large enough to stream in several chunks, so the uploads overlap.
    const files = Array.from({ length: 10 }, (_, i) => Buffer.from(`sku,name,category\n${`P${i},Parallel ${i},frame\n`.repeat(2000 * (i + 1))}`));
    const puts = await Promise.all(files.map((f) => s.request.put(url.uploadPath).set('Content-Type', 'text/csv').send(f)));
    expect(puts.map((p) => p.status).sort()).toEqual([201, ...Array<number>(9).fill(409)]);
    const won = puts.findIndex((p) => p.status === 201);
    expect(puts.filter((p) => p.status === 409).every((p) => p.body.error.message === 'This upload URL was used already; ask for a new one')).toBe(true);
    expect(puts[won]!.body.data).toMatchObject({ blobName: url.blobName, size: files[won]!.length, sha256: createHash('sha256').update(files[won]!).digest('hex') });
  });

  it('gives the URL back when its upload fails (cut off, or too large as it streams), so the same URL can be used again', async () => {
    const url = (await s.request.get(`${BASE}/csv-jobs/product/sas-url`).set(admin)).body.data;
    const token = url.uploadPath.split('/').pop() as string;
    // Cut off before the upload began reading it (the client gone while the URL was claimed) ...
    const gone = new Readable({ read() {} });
    gone.destroy();
    await expect(s.engine.imports.receiveUpload('promopartner', token, gone, undefined)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // ... and part-way through.
    let sent = 0;
    const cutOff = new Readable({ read() { if (sent++ < 3) this.push('sku,name,category\n'); else this.destroy(new Error('connection reset')); } });
    await expect(s.engine.imports.receiveUpload('promopartner', token, cutOff, undefined)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // No Content-Length: the limit is only found out while the file streams.
    const mb = Buffer.alloc(1024 * 1024, 0x61);
    const tooLarge = Readable.from(Array.from({ length: 51 }, () => mb));
    await expect(s.engine.imports.receiveUpload('promopartner', token, tooLarge, undefined)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await s.engine.blob('promopartner').exists(url.blobName)).toBe(false);
    expect((await s.request.put(url.uploadPath).set('Content-Type', 'text/csv').send('sku,name,category\nR1,Retried,frame\n')).status).toBe(201);
    expect((await s.request.put(url.uploadPath).set('Content-Type', 'text/csv').send('sku\n')).status).toBe(409);
  });

  it('the stored file matches its recorded hash', async () => {
    const blob = s.engine.blob('promopartner');
    // Near-equal sizes, so the uploads finish (and are put in place) at about the same time.
    const files = Array.from({ length: 10 }, (_, i) => Buffer.from(`sku,name,category\n${`H${i},Hashed ${i},frame\n`.repeat(4000)}${'#'.repeat(i)}`));
    for (let round = 0; round < 10; round++) {
      const url = (await s.request.get(`${BASE}/csv-jobs/product/sas-url`).set(admin)).body.data;
      const answers = await Promise.all(files.map((f) => s.request.put(url.uploadPath).set('Content-Type', 'text/csv').send(f)));
      // One upload wins the URL; the others are refused before they write anything.
      expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      const stored = await buffer(await blob.read(url.blobName));
      const stat = await blob.stat(url.blobName);
      expect(stat).toMatchObject({ size: stored.length, sha256: createHash('sha256').update(stored).digest('hex') });
      expect(files.some((f) => f.equals(stored))).toBe(true);
    }
  });

  it('keeps the upload token out of the request log, and builds upload URLs on PUBLIC_URL', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => void (lines.push(chunk.toString()), done()) });
    const http = supertest(createHttpApp(s.engine, pino({ level: 'info' }, sink), { publicUrl: 'https://promo.example.com/' }));
    const url = (await http.get(`${BASE}/csv-jobs/product/sas-url`).set(admin)).body.data;
    expect(url.uploadUrl).toBe(`https://promo.example.com${url.uploadPath}`);
    expect((await http.put(url.uploadPath).set('Content-Type', 'text/csv').send('sku,name,category\nLOG1,Logged,frame\n')).status).toBe(201);
    const token = url.uploadPath.split('/').pop() as string;
    expect(lines.some((l) => l.includes('/uploads/[token]'))).toBe(true);
    expect(lines.join('')).not.toContain(token);
  });

  it('is admin only', async () => {
    for (const phone of [PHONES.kam, PHONES.store]) {
      const h = await signIn(s, phone);
      expect((await s.request.get(`${BASE}/csv-jobs/product/sas-url`).set(h)).status).toBe(403);
      expect((await s.request.get(`${BASE}/csv-jobs/transaction/sas-url`).set(h)).status).toBe(403);
    }
    expect((await s.request.get(`${BASE}/csv-jobs/nothing/sas-url`).set(admin)).status).toBe(404);
    admin = await signIn(s, PHONES.admin);
  });
});

describe('bulk reconciliation (§4.6.2)', () => {
  it('updates invoice/PID and moves each transaction by the workflow rules; bad rows go to the report', async () => {
    const store = await signIn(s, PHONES.store);
    const promo = await activePromotion(s, admin);
    const [a, b, c] = [await createTransaction(s, store, promo), await createTransaction(s, store, promo), await createTransaction(s, store, promo)];
    const csv = [
      'transactionId,invoiceNumber,pid,status',
      `${a.id},INVA1,PIDA1,UnderReview`, // fine
      `${b.id},,,SettlementComplete`, // New -> SettlementComplete is not a move of the workflow
      `${c.id},INVA1,,`, // the invoice number is taken in this store
      '00000000-0000-4000-8000-000000000000,INVX,,UnderReview', // no such transaction
      `${a.id.slice(0, 8)},INVY,,`, // not even an id
    ].join('\n');
    const job = await importCsv('transaction', csv);
    expect(job).toMatchObject({ status: 'completed', rowsDone: 5, rowsApplied: 1, rowsFailed: 4 });
    const get = async (id: string) => (await s.request.get(`${BASE}/transactions/${id}`).set(admin)).body.data;
    expect(await get(a.id)).toMatchObject({ status: 'UnderReview', invoiceNumber: 'INVA1', pid: 'PIDA1' });
    expect((await get(b.id)).status).toBe('New');
    expect((await get(c.id)).invoiceNumber).toBeUndefined();
    const report = (await errorsOf(job.id)).trim().split('\n').slice(1);
    expect(report.map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['3,status', '4,invoiceNumber', '5,transactionId', '6,transactionId']);
    const timeline = await s.request.get(`/v1/apps/promopartner/records/transaction/${a.id}/timeline`).set(admin);
    expect(timeline.body.data.map((e: { to: string; role: string }) => [e.to, e.role])).toEqual([['New', 'store'], ['UnderReview', 'admin']]);
  });

  it('applies a row’s fields and its move together or not at all', async () => {
    const store = await signIn(s, PHONES.store);
    const promo = await activePromotion(s, admin);
    const d = await createTransaction(s, store, promo);
    // New -> Verified is not a move of the workflow: the invoice number of that row is not kept either.
    const job = await importCsv('transaction', ['transactionId,invoiceNumber,pid,status', `${d.id},INVD1,PIDD1,Verified`].join('\n'));
    expect(job).toMatchObject({ status: 'completed', rowsApplied: 0, rowsFailed: 1 });
    const after = (await s.request.get(`${BASE}/transactions/${d.id}`).set(admin)).body.data;
    expect(after).toMatchObject({ status: 'New', version: 1 });
    expect(after.invoiceNumber).toBeUndefined();
    expect(after.pid).toBeUndefined();
  });
});
