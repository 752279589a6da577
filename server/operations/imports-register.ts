import { authenticate } from '../middleware/authenticate.ts';
import { importName, importParams } from './import-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const importsRegister: OperationSpec<'imports.register'> = {
  name: 'imports.register',
  method: 'POST',
  genericPath: '/v1/apps/{app}/imports/{import}/register',
  summary: () => 'Register an uploaded CSV file: it is imported in the background',
  auth: 'bearer',
  params: importParams,
  body: () => ({ type: 'object', additionalProperties: false, required: ['blobName'], properties: { blobName: { type: 'string', minLength: 1, maxLength: 200 } } }),
  response: () => ({ status: 202, schema: envelope(ref('ImportJob')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  servedFor: (app) => app.imports.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.imports.register(call.app, importName(call), actor, req.body), { message: 'Import queued' }, 202);
  },
};
