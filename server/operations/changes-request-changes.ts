import { REQUEST_CHANGES_BODY_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { CHANGE_SET_ID } from './change-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesRequestChanges: OperationSpec<'changes.requestChanges'> = {
  name: 'changes.requestChanges',
  method: 'POST',
  genericPath: '/v1/apps/{app}/changes/{id}/request-changes',
  summary: () => 'Ask for changes to a change set as it is now (maker-checker): publishing this content is refused until it is edited; not by whoever opened or edited it',
  auth: 'bearer',
  params: () => ({ id: CHANGE_SET_ID }),
  body: () => REQUEST_CHANGES_BODY_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('ChangeSet')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  // Only apps whose roles may approve (review) offer it.
  servedFor: (app) => Object.values(app.roles).some((r) => r.definitions?.approve === true),
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.requestChanges(call.app, actor, need(call.id, 'id'), req.body), { message: 'Changes requested' });
  },
};
