// Files on records with Solarium's blob store on Azure Blob (Azurite on loopback): uploads through
// the API land in the container; downloads and direct uploads use the store's own SAS URLs (the
// bytes never pass through this server), and a direct upload is still judged from its bytes.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../support/azurite.ts';
import { DEFINITIONS_DIR, startTestServer, type TestServer } from '../support/test-server.ts';

let azurite: Azurite;
let s: TestServer;
let dir: string;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n'), Buffer.alloc(3000, 32), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

beforeAll(async () => {
  azurite = await startAzurite();
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-azure-files-'));
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  const app = path.join(dir, 'solarium', 'app.yaml');
  const text = readFileSync(app, 'utf8');
  const blob = `  blob: { provider: azure, config: { accountName: ${azurite.account}, accountKey: "${azurite.key}", endpoint: "${azurite.endpoint}", container: solarium-files } }\n`;
  writeFileSync(app, text.replace('\nproviders:\n', `\nproviders:\n${blob}`));
  s = await startTestServer({ definitionsDir: dir });
  expect(s.engine.loadReport.refused).toEqual([]);
}, 60_000);
afterAll(async () => {
  await s?.close();
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function lead(phone: string) {
  const res = await s.request.post('/solarium/leads').set(await auth('cp1@solarium.test')).send({ name: 'Azure', phone, city: 'Pune' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

describe('record files on Azure Blob', () => {
  it('stores an upload in the container and downloads it through a SAS URL on the store', async () => {
    const id = await lead('9830000001');
    const cp = await auth('cp1@solarium.test');
    const up = await s.request.post(`/solarium/leads/${id}/docs`).set(cp).attach('file', PDF, 'bill.pdf');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.data.sha256).toBe(sha(PDF));
    const got = await s.request.get(`/v1/apps/solarium/records/lead/${id}/files/docs/${up.body.data.id}`).set(cp);
    const url = new URL(got.body.data.download.url as string);
    expect(url.origin).toBe(new URL(azurite.endpoint).origin);
    expect(url.searchParams.get('sp')).toBe('r');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('bill.pdf');
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(PDF));
  });

  it('takes a direct upload to a create-only SAS, judges the stored bytes at completion, and deletes what it refuses', async () => {
    const id = await lead('9830000002');
    const cp = await auth('cp1@solarium.test');
    const direct = async (content: Buffer, fileName: string) => {
      const target = (await s.request.post(`/v1/apps/solarium/records/lead/${id}/files/docs/upload-url`).set(cp).send({ fileName })).body.data;
      expect(new URL(target.uploadUrl).origin).toBe(new URL(azurite.endpoint).origin);
      const put = await fetch(target.uploadUrl, { method: 'PUT', headers: target.headers, body: new Uint8Array(content) });
      expect(put.status).toBe(201);
      // A second PUT to the same URL cannot replace what was uploaded.
      expect((await fetch(target.uploadUrl, { method: 'PUT', headers: target.headers, body: new Uint8Array(content) })).status).toBeGreaterThanOrEqual(400);
      return s.request.post(`/v1/apps/solarium/records/lead/${id}/files/docs/complete`).set(cp).send({ upload: target.upload });
    };
    const ok = await direct(PDF, 'direct.pdf');
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.data).toMatchObject({ contentType: 'application/pdf', size: PDF.length, sha256: sha(PDF) });
    const refused = await direct(PNG, 'lying.pdf');
    expect(refused.status).toBe(415);
    const keys: string[] = [];
    for await (const k of s.engine.blob('solarium').list(`files/lead/${id}/`)) keys.push(k);
    expect(keys).toHaveLength(1);
  });
});
