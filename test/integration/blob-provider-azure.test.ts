// The Azure Blob provider against Azurite (Microsoft's emulator) on loopback: the blob contract,
// then what only this provider has (its config, the prefix, block uploads, SAS details, errors).
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type BlobProvider } from '../../engine/plugin-api.ts';
import { createProvider, loadPluginCatalog, ProviderConfigError } from '../../engine/providers/plugin-catalog.ts';
import { describeBlobContract } from '../contract/blob-contract.ts';
import { testDeps } from '../contract/provider-harness.ts';
import { startAzurite, type Azurite } from '../support/azurite.ts';
import { freePort } from '../support/free-port.ts';

const catalog = await loadPluginCatalog(path.resolve(import.meta.dirname, '../../plugins'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const refusal = (p: Promise<unknown>) => p.then(() => expect.unreachable('refused'), (e: unknown) => e as ProviderError);
const freshContainer = () => `rulepath-${randomBytes(6).toString('hex')}`;

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => azurite?.stop());

const azureBlob = (config: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}) =>
  createProvider(catalog, 'blob', 'azure', { accountName: azurite.account, accountKey: azurite.key, endpoint: azurite.endpoint, container: freshContainer(), ...config }, testDeps(), env);

describeBlobContract('azure', async () => ({ provider: azureBlob(), close: async () => undefined }), { signedUrls: true });

describe('azure blob provider', () => {
  it('takes its secrets from ${ENV} references and refuses a config it cannot use, naming every problem', () => {
    const env = { AZURE_STORAGE_ACCOUNT: azurite.account, AZURE_STORAGE_KEY: azurite.key };
    expect(() => azureBlob({ accountName: '${AZURE_STORAGE_ACCOUNT}', accountKey: '${AZURE_STORAGE_KEY}' }, env)).not.toThrow();
    const err = (() => {
      try {
        createProvider(catalog, 'blob', 'azure', { accountName: 'Bad_Name', accountKey: '${AZURE_STORAGE_KEY}', container: 'No--Such', endpoint: 'ftp://x' }, testDeps(), {});
      } catch (e) {
        return e as ProviderConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ProviderConfigError);
    expect([...new Set(err!.problems.map((p) => p.path))].sort()).toEqual(['$.accountKey', '$.accountName', '$.container', '$.endpoint']);
  });

  it('creates its container on first use and keeps keys under its prefix', async () => {
    const container = freshContainer();
    const tenant = azureBlob({ container, prefix: 'tenant-a' });
    const whole = azureBlob({ container });
    await tenant.write('docs/a.txt', Buffer.from('a'));
    expect(await whole.exists('tenant-a/docs/a.txt')).toBe(true);
    expect(await whole.exists('docs/a.txt')).toBe(false);
    const keys: string[] = [];
    for await (const k of tenant.list('docs/')) keys.push(k);
    expect(keys).toEqual(['docs/a.txt']);
  });

  it('streams a blob of several blocks up and commits it with its sha256', async () => {
    const blob = azureBlob();
    const chunks = Array.from({ length: 40 }, (_, i) => randomBytes(256 * 1024 + i));
    const all = Buffer.concat(chunks);
    const stat = await blob.write('big/blocks.bin', Readable.from(chunks), { contentType: 'application/octet-stream' });
    expect(stat).toMatchObject({ size: all.length, sha256: sha(all) });
    expect(await blob.stat('big/blocks.bin')).toMatchObject({ size: all.length, sha256: sha(all), contentType: 'application/octet-stream' });
    expect(sha(await buffer(await blob.read('big/blocks.bin')))).toBe(sha(all));
  });

  it('signs upload URLs to create only, and download URLs to read only, over https unless the endpoint is http', async () => {
    const local = azureBlob();
    const upload = new URL((await local.signedUploadUrl!('a/b.csv', { expiresAt: new Date(Date.now() + 60_000) })).url);
    expect(upload.searchParams.get('sp')).toBe('c');
    expect(upload.searchParams.get('spr')).toBe('https,http');
    // Signing needs no request, so this endpoint (nothing listens) is never called.
    const cloud = createProvider(catalog, 'blob', 'azure', { accountName: 'rulepathprod', accountKey: azurite.key, container: 'files', endpoint: 'https://127.0.0.1:9/rulepathprod', prefix: 'p/' }, testDeps(), {});
    const download = await cloud.signedDownloadUrl!('q/1.pdf', { expiresAt: new Date('2030-01-01T00:00:00.900Z') });
    const url = new URL(download.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://127.0.0.1:9/rulepathprod/files/p/q/1.pdf');
    expect(url.searchParams.get('sp')).toBe('r');
    expect(url.searchParams.get('spr')).toBe('https');
    expect(download.expiresAt.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('names a download beyond ASCII with filename* and never lets the name break the header', async () => {
    const blob = azureBlob();
    await blob.write('down/q.pdf', Buffer.from('pdf'), { contentType: 'application/pdf' });
    const signed = await blob.signedDownloadUrl!('down/q.pdf', { expiresAt: new Date(Date.now() + 60_000), fileName: 'कोटेशन "Q-9"\r\nX-Evil: 1.pdf' });
    const res = await fetch(signed.url);
    expect(res.status).toBe(200);
    await res.text();
    expect(res.headers.get('x-evil')).toBeNull();
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[^"\\\r\n]*"; filename\*=UTF-8''\S+$/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe("कोटेशन \"Q-9\"X-Evil: 1.pdf");
  });

  it('does not take a sha256 a client sent with its upload, nor downloads the upload to hash it', async () => {
    const blob = azureBlob();
    const signed = await blob.signedUploadUrl!('up/forged.csv', { expiresAt: new Date(Date.now() + 60_000), contentType: 'text/csv' });
    const forged = sha(Buffer.from('something else'));
    const res = await fetch(signed.url, { method: 'PUT', headers: { ...signed.headers, 'x-ms-meta-sha256': forged, 'x-ms-meta-sha256seal': 'x' }, body: 'a,b\n' });
    expect(res.status).toBe(201);
    expect(await blob.stat('up/forged.csv')).toMatchObject({ size: 4, sha256: '' });
  });

  it('trusts a stored hash only under the seal key that wrote it', async () => {
    const container = freshContainer();
    const sealKey = 'k'.repeat(32);
    await azureBlob({ container, sealKey }).write('sealed.txt', Buffer.from('sealed'));
    expect((await azureBlob({ container, sealKey }).stat('sealed.txt'))?.sha256).toBe(sha(Buffer.from('sealed')));
    expect((await azureBlob({ container, sealKey: 'x'.repeat(32) }).stat('sealed.txt'))?.sha256).toBe('');
    expect((await azureBlob({ container }).stat('sealed.txt'))?.sha256).toBe('');
  });

  it('sends write-once blobs with an immutability policy or legal hold when asked (Azurite takes the headers without enforcing them)', async () => {
    const blob = azureBlob({ immutabilityPolicy: true });
    const retainUntil = new Date(Date.now() + 86_400_000);
    expect(await blob.write('worm/kept.pdf', Buffer.from('kept'), { immutable: true, retainUntil })).toMatchObject({ immutable: true, retainUntil });
    expect(await blob.write('worm/held.pdf', Buffer.from('held'), { immutable: true })).toMatchObject({ immutable: true });
    expect(await refusal(blob.delete('worm/kept.pdf'))).toMatchObject({ vendorCode: 'BLOB_RETAINED' });
  });

  it('refuses keys the fs provider refuses, before any request', async () => {
    const blob = azureBlob({ endpoint: 'http://127.0.0.1:9/devstoreaccount1' });
    for (const key of ['a/b.meta.json', 'a/.git/x', `${'k'.repeat(513)}`]) {
      const err = await blob.stat(key).catch((e: unknown) => e);
      expect(err, key).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).transient, key).toBe(false);
    }
  });

  describe('errors', () => {
    let server: http.Server;
    let status = 503;
    let requests = 0;
    let base: string;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        requests++;
        req.resume();
        res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': status === 403 ? 'AuthenticationFailed' : 'ServerBusy', 'retry-after': '2' });
        res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${status === 403 ? 'AuthenticationFailed' : 'ServerBusy'}</Code><Message>scripted</Message></Error>`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/devstoreaccount1`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const failing = (): BlobProvider => azureBlob({ endpoint: base });

    it('reports a busy service (503) as transient, after the SDK tried again', async () => {
      status = 503;
      requests = 0;
      const err = (await failing().read('a.txt').catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ transient: true, vendor: 'azure', vendorCode: 'ServerBusy' });
      expect(requests).toBeGreaterThan(1);
    });

    it('reports a refusal of its credentials (403) as permanent', async () => {
      status = 403;
      const err = (await failing().write('a.txt', Buffer.from('x')).catch((e: unknown) => e)) as ProviderError;
      expect(err).toMatchObject({ transient: false, vendorCode: 'AuthenticationFailed' });
    });

    it('reports an endpoint nobody answers on as transient', async () => {
      const err = (await azureBlob({ endpoint: `http://127.0.0.1:${await freePort()}/devstoreaccount1` }).exists('a.txt').catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(true);
    });
  });
});
