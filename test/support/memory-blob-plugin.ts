// A blob store for tests that keeps what it is given and says how it was asked: every write's key,
// bytes and options (write-once, retention), refuses a second write to a write-once key as a
// write-once store must (BLOB_EXISTS), refuses deleting it (BLOB_RETAINED), and fails on demand
// (`failWrites`: a transient ProviderError, as a store that does not answer). `signedDownloads`
// makes it sign its own download URLs, as Azure Blob does.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { definePlugin, ProviderError, type BlobProvider, type BlobStat, type BlobWriteOptions, type ProviderPlugin } from '../../engine/plugin-api.ts';

export interface MemoryBlobs {
  plugin: ProviderPlugin<'blob', Record<string, never>, BlobProvider>;
  blobs: Map<string, { bytes: Buffer; stat: BlobStat }>;
  writes: { key: string; options?: BlobWriteOptions; outcome: 'stored' | 'refused' | 'failed' }[];
  deletes: { key: string; outcome: 'deleted' | 'refused' }[];
  failWrites: boolean;
  signedDownloads: boolean;
}

async function bytesOf(data: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(data)) return data;
  const chunks: Buffer[] = [];
  for await (const c of data) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

export function memoryBlobs(name = 'memory'): MemoryBlobs {
  const state: MemoryBlobs = { plugin: undefined!, blobs: new Map(), writes: [], deletes: [], failWrites: false, signedDownloads: false };
  const provider: BlobProvider = {
    async write(key, data, options) {
      const bytes = await bytesOf(data);
      if (state.failWrites) {
        state.writes.push({ key, options, outcome: 'failed' });
        throw new ProviderError(name, 'the store did not answer', { transient: true });
      }
      if (state.blobs.get(key)?.stat.immutable) {
        state.writes.push({ key, options, outcome: 'refused' });
        throw new ProviderError(name, `"${key}" is written once`, { transient: false, vendorCode: 'BLOB_EXISTS' });
      }
      const stat: BlobStat = { key, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: options?.contentType, modifiedAt: new Date(), immutable: options?.immutable, retainUntil: options?.retainUntil };
      state.blobs.set(key, { bytes, stat });
      state.writes.push({ key, options, outcome: 'stored' });
      return stat;
    },
    async read(key) {
      const b = state.blobs.get(key);
      if (!b) throw new ProviderError(name, `no blob "${key}"`, { transient: false, vendorCode: 'BLOB_NOT_FOUND' });
      return Readable.from([b.bytes]);
    },
    stat: async (key) => state.blobs.get(key)?.stat,
    exists: async (key) => state.blobs.has(key),
    async delete(key) {
      if (state.blobs.get(key)?.stat.immutable) {
        state.deletes.push({ key, outcome: 'refused' });
        throw new ProviderError(name, `"${key}" is retained`, { transient: false, vendorCode: 'BLOB_RETAINED' });
      }
      state.deletes.push({ key, outcome: 'deleted' });
      state.blobs.delete(key);
    },
    async *list(prefix) {
      for (const key of state.blobs.keys()) if (key.startsWith(prefix)) yield key;
    },
  };
  const signing: BlobProvider = {
    ...provider,
    async signedDownloadUrl(key, options) {
      return { url: `https://blobs.test/${key}?sig=test&name=${encodeURIComponent(options.fileName ?? '')}`, method: 'GET', headers: {}, expiresAt: options.expiresAt };
    },
  };
  state.plugin = definePlugin<'blob', Record<string, never>>({
    kind: 'blob',
    name,
    configSchema: { type: 'object', additionalProperties: false, properties: {} } as never,
    // Asked for at every use: `signedDownloads` can be switched on by a test.
    create: () =>
      new Proxy(provider, { get: (_t, prop) => (state.signedDownloads ? signing : provider)[prop as keyof BlobProvider] }),
  });
  return state;
}
