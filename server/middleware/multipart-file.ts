// One file from a multipart/form-data request, as a stream (busboy: never buffered whole). Text
// fields sent before the file part come with it; the engine decides everything else. Whatever
// happens, the rest of the request is read and dropped, so the answer reaches the client.
import busboy from 'busboy';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { AppError, isStorableText } from '../../engine/index.ts';

export interface MultipartFile {
  fields: Record<string, string>;
  fileName: string;
  stream: Readable;
}

const FIELD_BYTES = 4096;

export const isMultipart = (req: Request): boolean => (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');

/**
 * Calls `use` with the request's file part (named `field`) once it starts; resolves with what
 * `use` answered. A file part under another name, a missing one or a malformed body
 * is a 400; one file per request (parts after it are not read).
 */
export function withMultipartFile<T>(req: Request, res: Response, field: string, fieldNames: readonly string[], use: (file: MultipartFile) => Promise<T>): Promise<T> {
  if (!isMultipart(req)) return Promise.reject(new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the file as multipart/form-data, in a part named "${field}"`));
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // Parts after the file are not read: the file's upload may be committing by then, and an
      // answer of 400 must never stand for a file that was stored.
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: FIELD_BYTES, parts: 21 }, defParamCharset: 'utf8' });
    } catch (err) {
      return reject(new AppError('BAD_REQUEST', 'The multipart body has no boundary', { cause: err }));
    }
    const fields: Record<string, string> = {};
    let started = false;
    let settled = false;
    const finish = (err: unknown, value?: T) => {
      if (settled) return;
      settled = true;
      // Drop what is left of the body; a refused upload's bytes are not kept waiting in the socket.
      if (!req.complete) {
        res.setHeader('Connection', 'close');
        req.unpipe(parser);
        req.resume();
      }
      if (err) reject(err);
      else resolve(value as T);
    };
    parser.on('field', (name, value, info) => {
      if (started) return;
      if (info.valueTruncated) return finish(new AppError('BAD_REQUEST', `The field "${name}" is longer than ${FIELD_BYTES} bytes`, { details: [{ path: `$.${name}`, message: 'Too long' }] }));
      if (!fieldNames.includes(name)) return finish(new AppError('VALIDATION_FAILED', undefined, { details: [{ path: `$.${name}`, message: `Unknown field; the parts are ${[field, ...fieldNames].join(', ')}` }] }));
      if (!isStorableText(value)) return finish(new AppError('BAD_REQUEST', 'The body holds text that cannot be stored', { details: [{ path: `$.${name}`, message: 'NUL or unpaired surrogate' }] }));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      // The stream's own errors (a body cut off) reach whoever reads it; unread, they are dropped.
      stream.on('error', () => undefined);
      if (settled) return void stream.resume();
      if (name !== field) {
        stream.resume();
        return finish(new AppError('BAD_REQUEST', `The file goes in a part named "${field}"`, { details: [{ path: `$.${name}`, message: 'Unexpected file part' }] }));
      }
      started = true;
      use({ fields: { ...fields }, fileName: info.filename ?? '', stream }).then(
        (value) => finish(undefined, value),
        (err: unknown) => {
          stream.resume();
          finish(err);
        },
      );
    });
    parser.on('error', (err: unknown) => finish(new AppError('BAD_REQUEST', 'The multipart body is malformed', { cause: err })));
    parser.on('close', () => {
      if (!started) finish(new AppError('VALIDATION_FAILED', undefined, { details: [{ path: `$.${field}`, message: 'A file is required' }] }));
    });
    req.on('aborted', () => finish(new AppError('BAD_REQUEST', 'The upload was cut off')));
    req.pipe(parser);
  });
}
