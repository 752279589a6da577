import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { CHANGE_SET_ID } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesGet: OperationSpec<'changes.get'> = {
  name: 'changes.get',
  method: 'GET',
  genericPath: '/v1/apps/{app}/changes/{id}',
  summary: () => 'A change set: its definitions and the whole app’s problems with it applied',
  auth: 'bearer',
  params: () => ({ id: CHANGE_SET_ID }),
  response: () => ({ status: 200, schema: envelope(ref('ChangeSet')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.get(call.app, actor, need(call.id, 'id')));
  },
};
