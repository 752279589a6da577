import { actorFor, need, target } from './call-context.ts';
import { FILE_ERRORS, fileIdOf, fileParams, hasSlots, slotName } from './file-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const filesReview: OperationSpec<'files.review'> = {
  name: 'files.review',
  method: 'POST',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/files/{slot}/{fileId}/review',
  summary: (t) => `Review a file of a ${t.entity!.label}: set its review status, with a note (reviewers the slot names)`,
  auth: 'actor-or-public',
  permission: 'read',
  params: fileParams,
  body: (t) => {
    const states = [...new Set(Object.values(t.entity?.definition.files ?? {}).flatMap((s) => s.review?.states ?? []))];
    return { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', enum: states }, note: { type: 'string', maxLength: 2000 } } };
  },
  response: () => ({ status: 200, schema: envelope(ref('RecordFile')) }),
  errors: [...FILE_ERRORS, 'VALIDATION_FAILED', 'CONFLICT'],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity!.definition.files!).some((s) => s.review),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    return ok(await engine.files.review(target(call), actor, need(call.id, 'id'), slotName(call), fileIdOf(call), req.body), { message: 'Reviewed' });
  },
};
