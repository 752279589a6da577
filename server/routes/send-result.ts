import type { Response } from 'express';
import type { OperationResult } from '../operations/operation-result.ts';

export function sendResult(res: Response, result: OperationResult): void {
  if (result.file) {
    res.status(result.status).setHeader('Content-Type', result.file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${result.file.name}"`);
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
