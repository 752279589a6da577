import type { Readable } from 'node:stream';

export interface OperationResult {
  status: number;
  body: { success: true; message?: string; data: unknown; journeyStatus?: unknown };
  etag?: string;
  /** A download instead of the JSON envelope (an error report). */
  file?: { contentType: string; name: string; stream: Readable };
  /** 302 to this URL instead of a body (a document the blob store serves itself, by a signed URL). */
  redirect?: string;
  /** The JSON envelope written as a stream (a sync bundle), with the ETag it has. */
  json?: Readable;
}

/** The success envelope of every answer: { success, message?, data, journeyStatus? }. */
export const ok = (data: unknown, extra: { message?: string; journeyStatus?: unknown } = {}, status = 200): OperationResult => ({
  status,
  body: { success: true, ...(extra.message ? { message: extra.message } : {}), data, ...(extra.journeyStatus ? { journeyStatus: extra.journeyStatus } : {}) },
});

export const withEtag = (r: OperationResult, version: unknown): OperationResult => ({ ...r, etag: typeof version === 'number' ? `"${version}"` : undefined });
