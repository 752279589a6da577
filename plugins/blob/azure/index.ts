// Azure Blob Storage (see azure-blob-store.ts for how it keeps hashes, write-once and retention).
// The plugin is its config schema; the SDK (@azure/storage-blob, ~25 MB resident) is loaded on
// the first call, so a server whose apps keep their files elsewhere never loads it.
import type { BlobProvider } from '../../../engine/plugin-api.ts';
import { definePlugin } from '../../../engine/plugin-api.ts';
import type { AzureConfig } from './azure-blob-store.ts';

export default definePlugin<'blob', AzureConfig>({
  kind: 'blob',
  name: 'azure',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['accountName', 'accountKey', 'container'],
    properties: {
      accountName: { type: 'string', pattern: '^[a-z0-9]{3,24}$' },
      accountKey: { type: 'string', minLength: 16 },
      container: { type: 'string', pattern: '^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' },
      endpoint: { type: 'string', format: 'uri', pattern: '^https?://' },
      prefix: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*/?$' },
      immutabilityPolicy: { type: 'boolean', default: false },
      timeoutMs: { type: 'integer', minimum: 1000, maximum: 600000 },
      sealKey: { type: 'string', minLength: 32 },
    },
  },
  create(config, deps): BlobProvider {
    let store: Promise<BlobProvider> | undefined;
    const load = () => (store ??= import('./azure-blob-store.ts').then((m) => m.createAzureBlobStore(config, deps)));
    return {
      write: async (key, data, options) => (await load()).write(key, data, options),
      read: async (key) => (await load()).read(key),
      stat: async (key) => (await load()).stat(key),
      exists: async (key) => (await load()).exists(key),
      delete: async (key) => (await load()).delete(key),
      async *list(prefix) {
        yield* (await load()).list(prefix);
      },
      signedUploadUrl: async (key, options) => (await load()).signedUploadUrl!(key, options),
      signedDownloadUrl: async (key, options) => (await load()).signedDownloadUrl!(key, options),
    };
  },
});
