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
  /** Response headers of the answer (a record session's token). */
  headers?: Record<string, string>;
}

/** The success envelope of every answer: { success, message?, data, journeyStatus? }. */
export const ok = (data: unknown, extra: { message?: string; journeyStatus?: unknown } = {}, status = 200): OperationResult => ({
  status,
  body: { success: true, ...(extra.message ? { message: extra.message } : {}), data, ...(extra.journeyStatus ? { journeyStatus: extra.journeyStatus } : {}) },
});

/** The headers that hand a client its record session's token (auth/record-session.ts). */
export const SESSION_TOKEN_HEADER = 'X-Session-Token';
export const SESSION_EXPIRES_HEADER = 'X-Session-Expires-In';
export const sessionHeaders = (s: { token: string; expiresIn: number }): Record<string, string> => ({ [SESSION_TOKEN_HEADER]: s.token, [SESSION_EXPIRES_HEADER]: String(s.expiresIn) });

export const withEtag = (r: OperationResult, version: unknown): OperationResult => ({ ...r, etag: typeof version === 'number' ? `"${version}"` : undefined });
