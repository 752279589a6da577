// Azure Blob Storage through the official SDK (@azure/storage-blob), with a shared key. Blobs are
// block blobs in one container (created on first use), named `<prefix><key>`.
//
// Azure keeps an MD5 at most, so the sha256 is blob metadata, written by the same call that
// commits the bytes (staged-upload.ts): data and hash always agree. Write-once and retention are
// metadata too, enforced here with conditional requests: a write-once upload is `If-None-Match: *`
// (Azure refuses it atomically when the key is taken); a plain overwrite and a delete are
// `If-Match: <etag>` of the blob just checked, so a blob that became write-once (or retained) in
// between is never overwritten or deleted. With `immutabilityPolicy: true` a write-once blob also
// gets Azure's own WORM protection (version-level immutability must be enabled on the container):
// a time-based policy until retainUntil, or a legal hold when it has none.
//
// Clients upload and download directly with a service SAS: upload URLs may only create (`c`), so a
// second PUT to the same URL is refused by Azure; download URLs may only read (`r`). A client's
// PUT may carry any `x-ms-meta-*` headers, so the sha256 is trusted only with its seal (an HMAC
// keyed from `sealKey`, else the account key, over blob name, size and hash). A blob without a valid seal (every
// client upload) stats with sha256 "": stat does not download it to hash it, since a caller stats
// an upload to check its size before reading it (the engine hashes the bytes as it reads them).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type BlobGetPropertiesResponse,
  type BlockBlobClient,
  type ContainerClient,
} from '@azure/storage-blob';
import { ProviderError, type BlobProvider, type BlobStat, type BlobWriteOptions, type ProviderDeps, type SignedBlobUrl } from '../../../engine/plugin-api.ts';
import { isValidBlobKey } from '../blob-key.ts';
import { attachmentDisposition } from './content-disposition.ts';
import { stageUpload } from './staged-upload.ts';

export interface AzureConfig {
  accountName: string;
  accountKey: string;
  container: string;
  /** Default https://<accountName>.blob.core.windows.net; Azurite: http://127.0.0.1:10000/devstoreaccount1. */
  endpoint?: string;
  /** Keys are stored under it ("rulepath/"), so several installs can share a container. */
  prefix?: string;
  /** Also protect write-once blobs with Azure immutability (policy or legal hold). */
  immutabilityPolicy?: boolean;
  /** Per request try; the SDK retries a failed try up to twice. */
  timeoutMs?: number;
  /** Keys the seal of stored hashes; default: derived from accountKey (then a rotated key unseals them all). */
  sealKey?: string;
}

const VENDOR = 'azure';
/** How often a conditional write or delete re-checks after another writer got in first. */
const MAX_ROUNDS = 25;

/** Metadata names (Azure: C# identifiers, case-insensitive; the SDK answers lowercase). */
const META = { sha256: 'sha256', seal: 'sha256seal', immutable: 'immutable', retainUntil: 'retainuntil' } as const;

/** Every SDK or network failure, translated once: 5xx, 408, 429 and no answer are transient. */
function toProviderError(err: unknown, doing: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; name?: string; response?: { headers?: { get(name: string): string | undefined } } };
  const status = e.statusCode;
  if (status === undefined || status === 0) {
    return new ProviderError(VENDOR, `azure did not answer (${doing}): ${e.message ?? String(err)}`, { transient: true, vendorCode: e.code ?? e.name, cause: err });
  }
  if (status === 404) return new ProviderError(VENDOR, `azure: ${doing}: not found`, { transient: false, vendorCode: 'NOT_FOUND', cause: err });
  if (status === 409 && e.code === 'BlobAlreadyExists') return new ProviderError(VENDOR, `azure: ${doing}: the key is taken`, { transient: false, vendorCode: 'BLOB_EXISTS', cause: err });
  const retryAfter = e.response?.headers?.get('retry-after');
  const retryAfterMs = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  // 501: Azurite (or an old API version) lacks the operation; retrying will not add it.
  const transient = status === 408 || status === 429 || (status >= 500 && status !== 501);
  return new ProviderError(VENDOR, `azure answered ${status} ${e.code ?? ''} (${doing}): ${(e.message ?? '').split('\n')[0]}`, { transient, retryAfterMs, vendorCode: e.code ?? String(status), cause: err });
}

const conditionFailed = (err: unknown) => {
  const e = err as { statusCode?: number; code?: string };
  return e.statusCode === 412 || (e.statusCode === 409 && e.code === 'BlobAlreadyExists');
};

function taken(key: string): ProviderError {
  return new ProviderError(VENDOR, `Blob "${key}" is written once and already exists`, { transient: false, vendorCode: 'BLOB_EXISTS' });
}

function validDate(key: string, what: string, date: Date | undefined): Date | undefined {
  if (date === undefined) return undefined;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new ProviderError(VENDOR, `Invalid ${what} for blob "${key}"`, { transient: false });
  return date;
}

function metadataOf(sha256: string, seal: string, options: BlobWriteOptions): Record<string, string> {
  return {
    [META.sha256]: sha256,
    [META.seal]: seal,
    ...(options.immutable ? { [META.immutable]: 'true' } : {}),
    ...(options.retainUntil ? { [META.retainUntil]: options.retainUntil.toISOString() } : {}),
  };
}

/**
 * Write-once and retention marks are honoured whoever set them (a client could mark its own upload;
 * that only keeps it longer): a seal over them would be lost with a rotated account key, and with
 * it the protection of every blob. A write-once blob without a retention date is kept for ever.
 */
function retention(meta: Record<string, string> | undefined): { immutable: boolean; retainUntil?: Date } {
  const until = meta?.[META.retainUntil];
  const retainUntil = until ? new Date(until) : undefined;
  return { immutable: meta?.[META.immutable] === 'true', ...(retainUntil && !Number.isNaN(retainUntil.getTime()) ? { retainUntil } : {}) };
}

/** The provider itself; index.ts loads this module (and the SDK) on first use. */
export function createAzureBlobStore(config: AzureConfig, deps: ProviderDeps): BlobProvider {
  const endpoint = (config.endpoint ?? `https://${config.accountName}.blob.core.windows.net`).replace(/\/+$/, '');
  const prefix = config.prefix ? config.prefix.replace(/\/?$/, '/') : '';
  const credential = new StorageSharedKeyCredential(config.accountName, config.accountKey);
  const sealKey = createHmac('sha256', config.sealKey ?? config.accountKey).update('rulepath blob sha256 seal').digest();
  const sealOf = (name: string, size: number, sha256: string) => createHmac('sha256', sealKey).update(`${name}\n${size}\n${sha256}`).digest('base64url');
  /** The sha256 in the metadata, if this provider wrote it for these bytes. */
  const trustedSha256 = (p: BlobGetPropertiesResponse, name: string): string | undefined => {
    const sha256 = p.metadata?.[META.sha256];
    const seal = Buffer.from(p.metadata?.[META.seal] ?? '');
    if (!sha256) return undefined;
    const expected = Buffer.from(sealOf(name, p.contentLength ?? -1, sha256));
    return seal.length === expected.length && timingSafeEqual(seal, expected) ? sha256 : undefined;
  };
  const service = new BlobServiceClient(endpoint, credential, {
    retryOptions: { maxTries: 3, tryTimeoutInMs: config.timeoutMs ?? 60_000, retryDelayInMs: 500, maxRetryDelayInMs: 5_000 },
  });
  const container: ContainerClient = service.getContainerClient(config.container);
  const protocol = endpoint.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp;

  // Created on first use; a failure is not remembered, so the next call tries again.
  let created: Promise<void> | undefined;
  const ready = () =>
    (created ??= container.createIfNotExists().then(
      () => undefined,
      (err: unknown) => {
        created = undefined;
        throw toProviderError(err, `create container "${config.container}"`);
      },
    ));

  const blobOf = (key: string): BlockBlobClient => {
    if (!isValidBlobKey(key)) throw new ProviderError(VENDOR, `Invalid blob key "${key}"`, { transient: false });
    return container.getBlockBlobClient(prefix + key);
  };

  /** The blob's properties, or undefined when there is none. */
  const propertiesOf = async (blob: BlockBlobClient, key: string): Promise<BlobGetPropertiesResponse | undefined> => {
    try {
      return await blob.getProperties();
    } catch (err) {
      const pe = toProviderError(err, `stat "${key}"`);
      if (pe.vendorCode === 'NOT_FOUND') return undefined;
      throw pe;
    }
  };

  const statFrom = (key: string, p: BlobGetPropertiesResponse, sha256: string): BlobStat => {
    const { immutable, retainUntil } = retention(p.metadata);
    return {
      key,
      size: p.contentLength ?? 0,
      sha256,
      contentType: p.contentType,
      modifiedAt: p.lastModified ?? deps.clock(),
      ...(immutable ? { immutable } : {}),
      ...(retainUntil ? { retainUntil } : {}),
    };
  };

  const stat = async (key: string): Promise<BlobStat | undefined> => {
    const blob = blobOf(key);
    await ready();
    const p = await propertiesOf(blob, key);
    // One answer gives size and metadata together: never one writer's size with another's hash.
    return p && statFrom(key, p, trustedSha256(p, blob.name) ?? '');
  };

  const sign = (key: string, permissions: string, expiresOn: Date, extra: { contentDisposition?: string; contentType?: string } = {}): string => {
    const blob = blobOf(key);
    const sas = generateBlobSASQueryParameters(
      { containerName: config.container, blobName: prefix + key, permissions: BlobSASPermissions.parse(permissions), expiresOn, protocol, ...extra },
      credential,
    );
    return `${blob.url}?${sas.toString()}`;
  };
  /** A SAS expiry has whole seconds: the URL stops working at the second, not at the millisecond asked. */
  const sasExpiry = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);

  return {
    async write(key, data, options = {}) {
      const blob = blobOf(key);
      validDate(key, 'retainUntil', options.retainUntil);
      await ready();
      try {
        // Not the guard (the conditional commit is), just not uploading a large blob to be refused.
        if (options.immutable && (await propertiesOf(blob, key))) throw taken(key);
        const protection =
          options.immutable && config.immutabilityPolicy
            ? options.retainUntil
              ? { immutabilityPolicy: { expiriesOn: options.retainUntil, policyMode: 'Unlocked' as const } }
              : { legalHold: true }
            : {};
        const headers = { blobHTTPHeaders: { blobContentType: options.contentType } };
        let conditions: { ifNoneMatch?: string; ifMatch?: string } = { ifNoneMatch: '*' };
        const staged = await stageUpload(
          {
            upload: (body, metadata) => blob.upload(body, body.length, { metadata, conditions, ...headers, ...protection }),
            stageBlock: (id, body) => blob.stageBlock(id, body, body.length),
            commitBlockList: (ids, metadata) => blob.commitBlockList(ids, { metadata, conditions, ...headers, ...protection }),
          },
          data,
        );
        const metadata = metadataOf(staged.sha256, sealOf(blob.name, staged.size, staged.sha256), options);
        for (let round = 0; round < MAX_ROUNDS; round++) {
          if (!options.immutable) {
            // Overwrite only what was just seen to be overwritable.
            const current = await propertiesOf(blob, key);
            if (current && retention(current.metadata).immutable) throw taken(key);
            conditions = current ? { ifMatch: current.etag } : { ifNoneMatch: '*' };
          }
          try {
            const done = await staged.commit(metadata);
            // What this writer wrote, not whatever a later writer put there since.
            return {
              key,
              size: staged.size,
              sha256: staged.sha256,
              contentType: options.contentType,
              modifiedAt: done.lastModified ?? deps.clock(),
              ...(options.immutable ? { immutable: true } : {}),
              ...(options.retainUntil ? { retainUntil: options.retainUntil } : {}),
            };
          } catch (err) {
            if (options.immutable && conditionFailed(err)) throw taken(key);
            if (!conditionFailed(err)) throw err;
          }
        }
        throw new ProviderError(VENDOR, `Blob "${key}" kept being replaced by other writers`, { transient: true });
      } catch (err) {
        // Another writer's commit discards the blocks this one staged: write it again.
        if ((err as { code?: string }).code === 'InvalidBlockList') {
          if (options.immutable && (await propertiesOf(blob, key))) throw taken(key);
          throw new ProviderError(VENDOR, `Blob "${key}" was replaced by another writer while this one was uploading`, { transient: true, vendorCode: 'InvalidBlockList', cause: err });
        }
        throw toProviderError(err, `write "${key}"`);
      }
    },

    async read(key) {
      const blob = blobOf(key);
      await ready();
      try {
        return (await blob.download(0, undefined, { maxRetryRequests: 3 })).readableStreamBody as Readable;
      } catch (err) {
        throw toProviderError(err, `read "${key}"`);
      }
    },

    stat,

    async exists(key) {
      const blob = blobOf(key);
      await ready();
      return (await propertiesOf(blob, key)) !== undefined;
    },

    async delete(key) {
      const blob = blobOf(key);
      await ready();
      try {
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const current = await propertiesOf(blob, key);
          if (!current) return;
          const { immutable, retainUntil } = retention(current.metadata);
          if (retainUntil ? retainUntil > deps.clock() : immutable) {
            throw new ProviderError(VENDOR, `Blob "${key}" is retained ${retainUntil ? `until ${retainUntil.toISOString()}` : 'for ever (written once)'}`, { transient: false, vendorCode: 'BLOB_RETAINED' });
          }
          try {
            await blob.delete({ conditions: { ifMatch: current.etag }, deleteSnapshots: 'include' });
            return;
          } catch (err) {
            if ((err as { statusCode?: number }).statusCode === 404) return;
            if (!conditionFailed(err)) throw err;
          }
        }
        throw new ProviderError(VENDOR, `Blob "${key}" kept being replaced while it was deleted`, { transient: true });
      } catch (err) {
        throw toProviderError(err, `delete "${key}"`);
      }
    },

    async *list(listPrefix) {
      await ready();
      try {
        for await (const item of container.listBlobsFlat({ prefix: prefix + listPrefix })) yield item.name.slice(prefix.length);
      } catch (err) {
        throw toProviderError(err, `list "${listPrefix}"`);
      }
    },

    async signedUploadUrl(key, options): Promise<SignedBlobUrl> {
      const expiresAt = sasExpiry(validDate(key, 'expiresAt', options.expiresAt)!);
      // The container must exist before a client PUTs into it.
      await ready();
      return {
        url: sign(key, 'c', expiresAt),
        method: 'PUT',
        headers: { 'x-ms-blob-type': 'BlockBlob', ...(options.contentType ? { 'content-type': options.contentType } : {}) },
        expiresAt,
      };
    },

    async signedDownloadUrl(key, options): Promise<SignedBlobUrl> {
      const expiresAt = sasExpiry(validDate(key, 'expiresAt', options.expiresAt)!);
      const url = sign(key, 'r', expiresAt, {
        ...(options.fileName ? { contentDisposition: attachmentDisposition(options.fileName) } : {}),
        ...(options.contentType ? { contentType: options.contentType } : {}),
      });
      return { url, method: 'GET', headers: {}, expiresAt };
    },
  };
}
