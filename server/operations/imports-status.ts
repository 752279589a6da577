import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { importJobParams } from './import-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const importsStatus: OperationSpec<'imports.status'> = {
  name: 'imports.status',
  method: 'GET',
  genericPath: '/v1/apps/{app}/import-jobs/{id}',
  summary: () => 'Progress of an import: rows done, total, percent, status',
  auth: 'bearer',
  params: importJobParams,
  response: () => ({ status: 200, schema: envelope(ref('ImportJob')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app) => app.imports.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.imports.status(call.app, actor, need(call.id, 'id')));
  },
};
