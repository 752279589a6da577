import { authenticate } from '../middleware/authenticate.ts';
import { importName, importParams } from './import-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const importsUploadUrl: OperationSpec<'imports.uploadUrl'> = {
  name: 'imports.uploadUrl',
  method: 'GET',
  genericPath: '/v1/apps/{app}/imports/{import}/upload-url',
  summary: () => 'A signed, expiring URL to PUT a CSV file to (then register it)',
  auth: 'bearer',
  params: importParams,
  response: () => ({ status: 200, schema: envelope(ref('UploadUrl')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app) => app.imports.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const r = await engine.imports.uploadUrl(call.app, importName(call), actor);
    // The upload goes to this server (the fs blob store); the URL is absolute, as a SAS URL would be.
    const base = (req.app.locals.publicUrl as string | undefined) ?? `${req.protocol}://${req.get('host')}`;
    return ok({ ...r, uploadUrl: `${base}${r.uploadPath}` });
  },
};
