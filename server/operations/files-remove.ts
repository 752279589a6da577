import { actorFor, need, target } from './call-context.ts';
import { FILE_ERRORS, fileIdOf, fileParams, hasSlots, slotName } from './file-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const filesRemove: OperationSpec<'files.remove'> = {
  name: 'files.remove',
  method: 'DELETE',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/files/{slot}/{fileId}',
  summary: (t) => `Remove a file from a ${t.entity!.label}: it no longer counts against the slot's limit; its versions stay in the store`,
  auth: 'actor-or-public',
  permission: 'read',
  params: fileParams,
  response: () => ({ status: 200, schema: envelope(ref('RecordFile')) }),
  errors: [...FILE_ERRORS, 'VALIDATION_FAILED', 'CONFLICT'],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity!.definition.files!).some((s) => s.roles.remove?.length),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    return ok(await engine.files.remove(target(call), actor, need(call.id, 'id'), slotName(call), fileIdOf(call)), { message: 'Removed' });
  },
};
