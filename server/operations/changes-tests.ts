import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { CHANGE_SET_ID } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesTests: OperationSpec<'changes.tests'> = {
  name: 'changes.tests',
  method: 'GET',
  genericPath: '/v1/apps/{app}/changes/{id}/tests',
  summary: () => 'The app’s saved test cases run against an open change set’s candidate (publishing needs them all to pass), and every workflow move with the cases that ask for it and those none does',
  auth: 'bearer',
  params: () => ({ id: CHANGE_SET_ID }),
  response: () => ({ status: 200, schema: envelope(ref('TestRun')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT', 'RULE_INVALID'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.tests(call.app, actor, need(call.id, 'id')));
  },
};
