import { authenticate } from '../middleware/authenticate.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const appsTests: OperationSpec<'apps.tests'> = {
  name: 'apps.tests',
  method: 'GET',
  genericPath: '/v1/apps/{app}/tests',
  summary: () => 'The app’s saved test cases run against the live release, and every workflow move with the cases that ask for it and those none does',
  auth: 'bearer',
  response: () => ({ status: 200, schema: envelope(ref('TestRun')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'APP_NOT_FOUND'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.tests(call.app, actor));
  },
};
