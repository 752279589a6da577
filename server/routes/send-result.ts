import type { Response } from 'express';
import type { OperationResult } from '../operations/operation-result.ts';

export function sendResult(res: Response, result: OperationResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.redirect) {
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, result.redirect);
    return;
  }
  if (result.file) {
    // attachment() encodes any name safely (an ASCII fallback and RFC 5987 filename*).
    res.status(result.status).attachment(result.file.name).setHeader('Content-Type', result.file.contentType);
    result.file.stream.on('error', (err) => res.destroy(err));
    result.file.stream.pipe(res);
    return;
  }
  if (result.etag) res.setHeader('ETag', result.etag);
  if (result.status === 304) {
    res.status(304).end();
    return;
  }
  if (result.json) {
    res.status(result.status).type('application/json');
    result.json.on('error', (err) => res.destroy(err));
    result.json.pipe(res);
    return;
  }
  res.status(result.status).json(result.body);
}
