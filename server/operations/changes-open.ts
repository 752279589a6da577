import { authenticate } from '../middleware/authenticate.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesOpen: OperationSpec<'changes.open'> = {
  name: 'changes.open',
  method: 'POST',
  genericPath: '/v1/apps/{app}/changes',
  summary: () => 'Open a change set on the live release: edit definitions in it, then publish them together',
  auth: 'bearer',
  body: () => ({ type: 'object', additionalProperties: false, required: ['title'], properties: { title: { type: 'string', minLength: 1, maxLength: 200 } } }),
  response: () => ({ status: 201, schema: envelope(ref('ChangeSet')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'APP_NOT_FOUND', 'CONFLICT'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.open(call.app, actor, req.body), { message: 'Change set opened' }, 201);
  },
};
