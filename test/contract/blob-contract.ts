// The contract every blob provider keeps (fs now; Azure Blob and others run the same suite).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type BlobProvider } from '../../engine/plugin-api.ts';

export function describeBlobContract(name: string, setup: () => Promise<{ provider: BlobProvider; close(): Promise<void> }>) {
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
    });
  });
}
