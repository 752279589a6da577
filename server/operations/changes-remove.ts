import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { DEFINITION_PARAMS } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesRemove: OperationSpec<'changes.remove'> = {
  name: 'changes.remove',
  method: 'DELETE',
  genericPath: '/v1/apps/{app}/changes/{id}/definitions/{kind}/{name}',
  summary: () => 'Remove a definition in a change set (publishing removes it from the app)',
  auth: 'bearer',
  params: () => DEFINITION_PARAMS,
  response: () => ({ status: 200, schema: envelope(ref('ChangeSet')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const p = call.params ?? {};
    return ok(await engine.changes.remove(call.app, actor, need(call.id, 'id'), need(p.kind, 'kind'), need(p.name, 'name')), { message: 'Removed in the change set' });
  },
};
