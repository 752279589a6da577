import { actorFor, target } from './call-context.ts';
import { FILE_ERRORS, hasSlots, slotName, slotParams } from './file-params.ts';
import { withMultipartFile } from '../middleware/multipart-file.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { need } from './call-context.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const filesUpload: OperationSpec<'files.upload'> = {
  name: 'files.upload',
  method: 'POST',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/files/{slot}',
  summary: (t) =>
    `Upload a file to a ${t.entity!.label} (multipart/form-data, part "file"; "fileId" before it uploads a new version): its type is judged from its bytes (415), its size while it streams (413), the slot's limit under parallel uploads (409)`,
  auth: 'actor-or-public',
  permission: 'read',
  multipart: true,
  params: slotParams,
  body: () => ({
    type: 'object',
    required: ['file'],
    properties: {
      fileId: { type: 'string', format: 'uuid', description: 'A new version of this file (send it before the file part)' },
      label: { type: 'string', maxLength: 120, description: 'What the document is (send it before the file part)' },
      file: { type: 'string', format: 'binary' },
    },
  }),
  response: () => ({ status: 201, schema: envelope(ref('RecordFile')) }),
  errors: [...FILE_ERRORS, 'VALIDATION_FAILED', 'CONFLICT', 'LIMIT_REACHED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'UNAVAILABLE'],
  servedFor: (app, entity) => hasSlots(app, entity) && Object.values(entity!.definition.files!).some((s) => s.roles.upload.length > 0),
  handler: async (engine, req, call, res) => {
    const actor = await actorFor(engine, req, call, 'read');
    const slot = slotName(call);
    const id = need(call.id, 'id');
    const file = await withMultipartFile(req, res, 'file', ['fileId', 'label'], (part) =>
      engine.files.upload(target(call), actor, id, slot, { fileName: part.fileName, content: part.stream, fileId: part.fields.fileId, label: part.fields.label }),
    );
    return ok(file, { message: file.version > 1 ? `Version ${file.version} uploaded` : 'Uploaded' }, 201);
  },
};
