import { actorFor, need, target } from './call-context.ts';
import { FILE_ERRORS, hasSlots, slotName, slotParams } from './file-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const filesComplete: OperationSpec<'files.complete'> = {
  name: 'files.complete',
  method: 'POST',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/files/{slot}/complete',
  summary: (t) => `Complete a direct upload to a ${t.entity!.label}: the stored bytes are judged as an upload through the API is (415, 413, 409), and a refused file is deleted`,
  auth: 'actor-or-public',
  permission: 'read',
  params: slotParams,
  body: () => ({ type: 'object', additionalProperties: false, required: ['upload'], properties: { upload: { type: 'string', minLength: 1, description: 'The token the upload URL came with' } } }),
  response: () => ({ status: 201, schema: envelope(ref('RecordFile')) }),
  errors: [...FILE_ERRORS, 'VALIDATION_FAILED', 'CONFLICT', 'LIMIT_REACHED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'UNAVAILABLE'],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity!.definition.files!).some((s) => s.roles.upload.length > 0),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    return ok(await engine.files.completeUpload(target(call), actor, need(call.id, 'id'), slotName(call), req.body), { message: 'Uploaded' }, 201);
  },
};
