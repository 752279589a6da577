// Streams a blob up, hashing as it goes, and commits it in one call that carries the hash as
// metadata, so no reader ever sees bytes with another upload's sha256. The SDK's uploadStream
// takes its metadata before the stream is read, when the hash is not known yet; this does what it
// does (Put Block for each 4 MiB, a few at a time, then Put Block List) with the metadata last.
// A blob that fits in one block goes up as a single Put Blob.
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

export const BLOCK_BYTES = 4 * 1024 * 1024;
const IN_FLIGHT = 4;

export interface StagedUpload {
  size: number;
  sha256: string;
  /** Commits the upload with these metadata; may be called again (another condition) after a refusal. */
  commit(metadata: Record<string, string>): Promise<{ lastModified?: Date }>;
}

export interface BlockTarget {
  upload(body: Buffer, metadata: Record<string, string>): Promise<{ lastModified?: Date }>;
  stageBlock(blockId: string, body: Buffer): Promise<unknown>;
  commitBlockList(blockIds: string[], metadata: Record<string, string>): Promise<{ lastModified?: Date }>;
}

/** Reads `data` to the end, staging blocks on the way; nothing is visible until commit(). */
export async function stageUpload(target: BlockTarget, data: Buffer | Readable): Promise<StagedUpload> {
  const hash = createHash('sha256');
  // One writer's block ids: same length for all (Azure requires it), distinct from other writers'.
  const writer = randomBytes(9).toString('hex');
  const blockIds: string[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;

  const stage = async (body: Buffer) => {
    const id = Buffer.from(`${writer}-${String(blockIds.length).padStart(6, '0')}`).toString('base64');
    blockIds.push(id);
    const p = target.stageBlock(id, body).catch((err: unknown) => {
      failure ??= err;
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  };

  for await (const chunk of Buffer.isBuffer(data) ? [data] : data) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    hash.update(buf);
    size += buf.length;
    pending.push(buf);
    pendingBytes += buf.length;
    if (pendingBytes >= BLOCK_BYTES) {
      await stage(Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
    }
    if (failure) break;
  }
  await Promise.all(inFlight);
  if (failure) throw failure;

  const sha256 = hash.digest('hex');
  if (blockIds.length === 0) {
    const body = Buffer.concat(pending);
    return { size, sha256, commit: (metadata) => target.upload(body, metadata) };
  }
  if (pendingBytes > 0) await stage(Buffer.concat(pending));
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { size, sha256, commit: (metadata) => target.commitBlockList(blockIds, metadata) };
}
