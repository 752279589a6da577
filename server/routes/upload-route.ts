// The target of a signed upload URL: the raw file, streamed (so it is mounted before the JSON body
// parser). Described here once, for the route table and for /openapi.json alike.
import type { RequestHandler } from 'express';
import type { Engine, ErrorCode } from '../../engine/index.ts';

export const UPLOAD_ROUTE = {
  method: 'PUT',
  path: '/v1/apps/{app}/uploads/{token}',
  summary: 'The target of a signed upload URL: the raw file — a CSV import, or a file for a record when the blob store cannot sign URLs itself (no bearer token: the URL is the credential); stored once, a failed or cut-off upload (400) leaves the URL usable',
  status: 201,
  errors: ['BAD_REQUEST', 'UNAUTHENTICATED', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'APP_NOT_FOUND'] as readonly ErrorCode[],
  handler: (engine: Engine): RequestHandler => async (req, res) => {
    const length = req.headers['content-length'] ? Number(req.headers['content-length']) : undefined;
    const data = await engine.imports.receiveUpload(String(req.params.app), String(req.params.token), req, length);
    res.status(201).json({ success: true, message: 'Uploaded', data });
  },
} as const;
