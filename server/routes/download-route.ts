// The target of a signed download URL the engine hands out when the blob store cannot sign one
// itself (fs): the file, streamed, under the name it was uploaded with. Described here once, for
// the route table and for /openapi.json alike.
import type { RequestHandler } from 'express';
import type { Engine, ErrorCode } from '../../engine/index.ts';
import { sendResult } from './send-result.ts';

export const DOWNLOAD_ROUTE = {
  method: 'GET',
  path: '/v1/apps/{app}/downloads/{token}',
  summary: 'The target of a signed download URL (no bearer token: the URL is the credential, for a few minutes)',
  status: 200,
  errors: ['UNAUTHENTICATED', 'UNAVAILABLE', 'APP_NOT_FOUND'] as readonly ErrorCode[],
  handler: (engine: Engine): RequestHandler => async (req, res) => {
    const file = await engine.files.download(String(req.params.app), String(req.params.token));
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    sendResult(res, { status: 200, body: { success: true, data: null }, file: { contentType: file.contentType, name: file.fileName, stream: file.stream } });
  },
} as const;
