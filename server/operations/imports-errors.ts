import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { importJobParams } from './import-params.ts';
import type { OperationSpec } from './operation-spec.ts';

export const importsErrors: OperationSpec<'imports.errors'> = {
  name: 'imports.errors',
  method: 'GET',
  genericPath: '/v1/apps/{app}/import-jobs/{id}/errors',
  summary: () => 'The error report of an import (CSV: row, column, message)',
  auth: 'bearer',
  params: importJobParams,
  response: () => ({ status: 200, contentType: 'text/csv', schema: { type: 'string', description: 'CSV with the columns row, column, message' } }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app) => app.imports.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const id = need(call.id, 'id');
    const stream = await engine.imports.errorReport(call.app, actor, id);
    return { status: 200, body: { success: true, data: null }, file: { contentType: 'text/csv; charset=utf-8', name: `import-${id}-errors.csv`, stream } };
  },
};
