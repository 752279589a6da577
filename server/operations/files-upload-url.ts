import { actorFor, need, target } from './call-context.ts';
import { FILE_ERRORS, hasSlots, slotName, slotParams } from './file-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const filesUploadUrl: OperationSpec<'files.uploadUrl'> = {
  name: 'files.uploadUrl',
  method: 'POST',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/files/{slot}/upload-url',
  summary: (t) => `A signed URL to PUT a file of a ${t.entity!.label} straight to the blob store (15 minutes), and the token that completes it`,
  auth: 'actor-or-public',
  permission: 'read',
  params: slotParams,
  body: () => ({
    type: 'object',
    additionalProperties: false,
    required: ['fileName'],
    properties: { fileName: { type: 'string', minLength: 1, maxLength: 200 }, fileId: { type: 'string', format: 'uuid', description: 'A new version of this file' }, label: { type: 'string', maxLength: 120 } },
  }),
  response: () => ({ status: 200, schema: envelope(ref('FileUploadTarget')) }),
  errors: [...FILE_ERRORS, 'VALIDATION_FAILED', 'CONFLICT', 'LIMIT_REACHED'],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity!.definition.files!).some((s) => s.roles.upload.length > 0),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    const r = await engine.files.uploadUrl(target(call), actor, need(call.id, 'id'), slotName(call), req.body);
    // This server's own upload route is named by a path: clients get it absolute, as a SAS URL is.
    const base = (req.app.locals.publicUrl as string | undefined) ?? `${req.protocol}://${req.get('host')}`;
    return ok({ ...r, uploadUrl: r.uploadUrl.startsWith('/') ? `${base}${r.uploadUrl}` : r.uploadUrl });
  },
};
