import { Readable } from 'node:stream';
import { authenticate } from '../middleware/authenticate.ts';
import type { OperationSpec } from './operation-spec.ts';
import type { OperationResult } from './operation-result.ts';
import { ref } from './schemas/schema-ref.ts';
import { envelope } from './schemas/envelope.ts';

/** Whether an If-None-Match header names this ETag (a list, or *). */
const matches = (header: string | undefined, etag: string) => Boolean(header && header.split(',').some((t) => t.trim() === etag || t.trim() === '*' || t.trim() === `W/${etag}`));

export const recordsSync: OperationSpec<'records.sync'> = {
  name: 'records.sync',
  method: 'GET',
  genericPath: '/v1/apps/{app}/sync',
  summary: (t) => `Everything ${t.app.name} syncs (${t.app.definition.sync?.entities.join(', ')}) that the caller may read, within their scope, in one streamed response; If-None-Match with its ETag answers 304 when nothing changed`,
  auth: 'bearer',
  response: () => ({ status: 200, schema: envelope(ref('SyncBundle')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app) => Boolean(app.definition.sync?.entities.length),
  handler: async (engine, req, call): Promise<OperationResult> => {
    const actor = await authenticate(engine, req, call.app);
    const bundle = await engine.sync(call.app, actor);
    const base = { etag: bundle.etag, body: { success: true as const, data: null } };
    if (matches(req.header('if-none-match'), bundle.etag)) return { ...base, status: 304 };
    return { ...base, status: 200, json: Readable.from(bundle.chunks()) };
  },
};
