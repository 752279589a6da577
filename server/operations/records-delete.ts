import { actorFor, ifMatch, label, need, target } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { recordIdParam } from './record-params.ts';
import { someRoleMay } from './some-role-may.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const recordsDelete: OperationSpec<'records.delete'> = {
  name: 'records.delete',
  method: 'DELETE',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}',
  summary: (t) => `Delete a ${t.entity!.label} (its unique values become free)`,
  auth: 'actor-or-public',
  permission: 'delete',
  params: recordIdParam,
  ifMatch: true,
  response: () => ({ status: 200, schema: envelope(ref('DeletedRecord')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'RECORD_NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND', 'VERSION_MISMATCH', 'CONFLICT'],
  servedFor: (app, entity) => someRoleMay(app, entity, 'delete'),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'delete');
    return ok(await engine.records.remove(target(call), actor, need(call.id, 'id'), ifMatch(req)), { message: `${label(engine, call)} deleted` });
  },
};
