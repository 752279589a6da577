// The contract every blob provider keeps (fs now; Azure Blob and others run the same suite).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type BlobProvider } from '../../engine/plugin-api.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function refusal(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

export interface BlobContractOptions {
  /** The store signs URLs clients use directly (Azure: a SAS); false: it leaves the signed methods out (fs). */
  signedUrls: boolean;
}

export function describeBlobContract(name: string, setup: () => Promise<{ provider: BlobProvider; close(): Promise<void> }>, options: BlobContractOptions = { signedUrls: false }) {
  describe(`blob provider ${name} (contract)`, () => {
    let blob: BlobProvider;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ provider: blob, close } = await setup());
    });
    afterAll(async () => close?.());

    it('writes, stats, reads back and deletes a blob, with its sha256', async () => {
      const body = Buffer.from('quotation v1');
      const stat = await blob.write('quotes/q1/v1.pdf', body, { contentType: 'application/pdf' });
      expect(stat).toMatchObject({ key: 'quotes/q1/v1.pdf', size: body.length, sha256: createHash('sha256').update(body).digest('hex'), contentType: 'application/pdf' });
      expect(await text(await blob.read('quotes/q1/v1.pdf'))).toBe('quotation v1');
      expect(await blob.exists('quotes/q1/v1.pdf')).toBe(true);
      await blob.delete('quotes/q1/v1.pdf');
      expect(await blob.exists('quotes/q1/v1.pdf')).toBe(false);
      expect(await blob.stat('quotes/q1/v1.pdf')).toBeUndefined();
    });

    it('streams a large blob in', async () => {
      const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, i));
      const stat = await blob.write('big/one.bin', Readable.from(chunks));
      expect(stat.size).toBe(64 * 64 * 1024);
      expect(stat.sha256).toBe(createHash('sha256').update(Buffer.concat(chunks)).digest('hex'));
    });

    it('concurrent writes to one key leave data and hash in agreement', async () => {
      const key = 'race/one.csv';
      // Different sizes and several chunks each, so the writers interleave and a torn blob shows.
      const bodies = Array.from({ length: 10 }, (_, i) => Buffer.alloc(8 * 1024 * (i + 1), 65 + i));
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      const sizeOf = new Map(bodies.map((b) => [sha(b), b.length]));
      const seen: ({ sha256: string; size: number } | undefined)[] = [];
      let writing = true;
      const watcher = (async () => {
        while (writing) seen.push(await blob.stat(key));
      })();
      const stats = await Promise.all(bodies.map((b) => blob.write(key, Readable.from(Array.from({ length: 4 }, (_, j) => b.subarray((j * b.length) / 4, ((j + 1) * b.length) / 4))))));
      writing = false;
      await watcher;
      // Each writer is told about what it wrote, not about whoever renamed last.
      expect(stats.map((s) => [s.size, s.sha256])).toEqual(bodies.map((b) => [b.length, sha(b)]));
      const stored = await buffer(await blob.read(key));
      const stat = await blob.stat(key);
      expect(stat?.sha256).toBe(sha(stored));
      expect(stat?.size).toBe(stored.length);
      expect(sizeOf.get(sha(stored))).toBe(stored.length);
      // Nor was a half-committed blob ever visible: every hash seen belongs to the size seen with it.
      for (const s of seen) if (s) expect(s.size).toBe(sizeOf.get(s.sha256));
    });

    it('lists keys under a prefix', async () => {
      await blob.write('docs/lead-1/a.png', Buffer.from('a'));
      await blob.write('docs/lead-1/b.png', Buffer.from('b'));
      await blob.write('docs/lead-2/c.png', Buffer.from('c'));
      const keys: string[] = [];
      for await (const k of blob.list('docs/lead-1/')) keys.push(k);
      expect(keys).toEqual(['docs/lead-1/a.png', 'docs/lead-1/b.png']);
    });

    it('refuses keys that could escape the store', async () => {
      for (const key of ['../etc/passwd', '/abs/path', 'a/../../b', '.hidden', 'a//b', '']) {
        const err = await blob.write(key, Buffer.from('x')).catch((e: unknown) => e);
        expect(err, key).toBeInstanceOf(ProviderError);
      }
    });

    it('answers a permanent ProviderError for a missing blob', async () => {
      const err = (await blob.read('nope/missing.txt').catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(false);
      expect(err.vendorCode).toBe('NOT_FOUND');
    });

    describe('write-once', () => {
      it('refuses a second write to the key with a permanent BLOB_EXISTS and keeps the first bytes', async () => {
        const first = await blob.write('once/q1.pdf', Buffer.from('first'), { immutable: true, contentType: 'application/pdf' });
        expect(first).toMatchObject({ immutable: true, size: 5, sha256: sha(Buffer.from('first')) });
        for (const immutable of [true, false]) {
          const err = await refusal(blob.write('once/q1.pdf', Buffer.from('second one'), { immutable }));
          expect(err, `immutable: ${immutable}`).toMatchObject({ vendorCode: 'BLOB_EXISTS', transient: false });
        }
        expect(await text(await blob.read('once/q1.pdf'))).toBe('first');
        expect(await blob.stat('once/q1.pdf')).toMatchObject({ size: 5, sha256: sha(Buffer.from('first')), contentType: 'application/pdf', immutable: true });
      });

      it('refuses a write-once write to a key a plain blob already holds', async () => {
        await blob.write('once/plain.txt', Buffer.from('plain'));
        expect(await refusal(blob.write('once/plain.txt', Buffer.from('once'), { immutable: true }))).toMatchObject({ vendorCode: 'BLOB_EXISTS' });
        expect(await text(await blob.read('once/plain.txt'))).toBe('plain');
      });

      it('lets exactly one of 10 concurrent write-once writers win, and keeps its bytes', async () => {
        const key = 'once/race.bin';
        const bodies = Array.from({ length: 10 }, (_, i) => Buffer.alloc(16 * 1024 * (i + 1), 97 + i));
        const outcomes = await Promise.allSettled(bodies.map((b) => blob.write(key, Readable.from([b.subarray(0, b.length / 2), b.subarray(b.length / 2)]), { immutable: true })));
        const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(won).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ vendorCode: 'BLOB_EXISTS', transient: false });
        const winner = bodies[won[0]!]!;
        const stored = await buffer(await blob.read(key));
        expect(sha(stored)).toBe(sha(winner));
        expect(await blob.stat(key)).toMatchObject({ size: winner.length, sha256: sha(winner), immutable: true });
      });
    });

    describe('retention', () => {
      it('keeps retainUntil, and refuses a delete before it with a permanent BLOB_RETAINED', async () => {
        const retainUntil = new Date(Date.now() + 7 * 365 * 86_400_000);
        await blob.write('kept/q2.pdf', Buffer.from('seven years'), { immutable: true, retainUntil });
        expect((await blob.stat('kept/q2.pdf'))?.retainUntil?.toISOString()).toBe(retainUntil.toISOString());
        expect(await refusal(blob.delete('kept/q2.pdf'))).toMatchObject({ vendorCode: 'BLOB_RETAINED', transient: false });
        expect(await blob.exists('kept/q2.pdf')).toBe(true);
      });

      it('refuses a delete before retainUntil of a blob that is not write-once too', async () => {
        await blob.write('kept/plain.txt', Buffer.from('kept'), { retainUntil: new Date(Date.now() + 86_400_000) });
        expect(await refusal(blob.delete('kept/plain.txt'))).toMatchObject({ vendorCode: 'BLOB_RETAINED' });
        expect(await blob.exists('kept/plain.txt')).toBe(true);
      });

      it('never deletes a write-once blob without a retention date', async () => {
        await blob.write('kept/forever.txt', Buffer.from('forever'), { immutable: true });
        expect(await refusal(blob.delete('kept/forever.txt'))).toMatchObject({ vendorCode: 'BLOB_RETAINED' });
        expect(await blob.exists('kept/forever.txt')).toBe(true);
      });

      it('deletes a write-once blob once its retention has passed, and a plain blob at once', async () => {
        await blob.write('kept/expired.txt', Buffer.from('old'), { immutable: true, retainUntil: new Date(Date.now() - 1000) });
        await blob.write('kept/loose.txt', Buffer.from('loose'));
        await blob.delete('kept/expired.txt');
        await blob.delete('kept/loose.txt');
        expect(await blob.exists('kept/expired.txt')).toBe(false);
        expect(await blob.exists('kept/loose.txt')).toBe(false);
      });
    });

    if (!options.signedUrls) {
      it('leaves the signed URL methods out (clients cannot reach it directly)', () => {
        expect(blob.signedUploadUrl).toBeUndefined();
        expect(blob.signedDownloadUrl).toBeUndefined();
      });
      return;
    }

    describe('signed URLs', () => {
      const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);
      const send = (signed: { url: string; method: string; headers: Record<string, string> }, body?: string, method = signed.method) =>
        fetch(signed.url, { method, headers: body === undefined ? {} : signed.headers, body });

      it('takes exactly one PUT at a signed upload URL, after which the blob stats with its size and type', async () => {
        const expiresAt = inMinutes(5);
        const signed = await blob.signedUploadUrl!('up/leads.csv', { expiresAt, contentType: 'text/csv' });
        expect(signed.method).toBe('PUT');
        // A store may round the expiry down (Azure signs whole seconds), never past what was asked.
        expect(expiresAt.getTime() - signed.expiresAt.getTime()).toBeGreaterThanOrEqual(0);
        expect(expiresAt.getTime() - signed.expiresAt.getTime()).toBeLessThan(1000);
        const res = await send(signed, 'phone,name\n9876543210,Asha\n');
        expect(res.status, await res.text()).toBeLessThan(300);
        const body = Buffer.from('phone,name\n9876543210,Asha\n');
        const stat = await blob.stat('up/leads.csv');
        expect(stat).toMatchObject({ size: body.length, contentType: 'text/csv' });
        // Bytes a client sent straight to the store have no hash the server made: a store may not
        // know it ("", and the caller hashes what it reads), but it never reports a wrong one.
        expect(['', sha(body)]).toContain(stat?.sha256);
        // The URL was for one blob: a second PUT (a replay, or another client) does not replace it.
        const again = await send(signed, 'replaced');
        expect(again.status).toBeGreaterThanOrEqual(400);
        await again.text();
        expect(await text(await blob.read('up/leads.csv'))).toBe(body.toString());
      });

      it('refuses a PUT at an expired upload URL', async () => {
        const signed = await blob.signedUploadUrl!('up/late.csv', { expiresAt: new Date(Date.now() - 60_000), contentType: 'text/csv' });
        const res = await send(signed, 'too late');
        expect(res.status).toBeGreaterThanOrEqual(400);
        await res.text();
        expect(await blob.exists('up/late.csv')).toBe(false);
      });

      it('GETs the bytes at a signed download URL, named by Content-Disposition', async () => {
        await blob.write('down/q3.pdf', Buffer.from('%PDF-1.7 q3'), { contentType: 'application/pdf' });
        const signed = await blob.signedDownloadUrl!('down/q3.pdf', { expiresAt: inMinutes(5), fileName: 'Quotation "Q-3" final.pdf' });
        expect(signed.method).toBe('GET');
        const res = await fetch(signed.url, { headers: signed.headers });
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('%PDF-1.7 q3');
        const disposition = res.headers.get('content-disposition') ?? '';
        expect(disposition).toMatch(/^attachment; filename="[^"]*"/);
        expect(disposition).toContain('Q-3');
        expect(res.headers.get('content-type')).toBe('application/pdf');
      });

      it('refuses a write through a download URL', async () => {
        await blob.write('down/q4.pdf', Buffer.from('original'), { contentType: 'application/pdf' });
        const signed = await blob.signedDownloadUrl!('down/q4.pdf', { expiresAt: inMinutes(5) });
        const res = await fetch(signed.url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'overwritten' });
        expect(res.status).toBeGreaterThanOrEqual(400);
        await res.text();
        expect(await text(await blob.read('down/q4.pdf'))).toBe('original');
      });
    });
  });
}
