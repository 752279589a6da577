import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { CHANGE_SET_ID } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesDiscard: OperationSpec<'changes.discard'> = {
  name: 'changes.discard',
  method: 'POST',
  genericPath: '/v1/apps/{app}/changes/{id}/discard',
  summary: () => 'Discard an open change set (kept, with its history, as discarded)',
  auth: 'bearer',
  params: () => ({ id: CHANGE_SET_ID }),
  response: () => ({ status: 200, schema: envelope(ref('ChangeSet')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.discard(call.app, actor, need(call.id, 'id')), { message: 'Discarded' });
  },
};
