import { APPROVE_BODY_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { CHANGE_SET_ID } from './change-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesApprove: OperationSpec<'changes.approve'> = {
  name: 'changes.approve',
  method: 'POST',
  genericPath: '/v1/apps/{app}/changes/{id}/approve',
  summary: () => 'Approve a change set as it is now (maker-checker): not by whoever opened or edited it; an edit afterwards needs a new approval',
  auth: 'bearer',
  params: () => ({ id: CHANGE_SET_ID }),
  body: () => APPROVE_BODY_SCHEMA,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref('ChangeSet')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  // Only apps whose roles may approve offer it.
  servedFor: (app) => Object.values(app.roles).some((r) => r.definitions?.approve === true),
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.approve(call.app, actor, need(call.id, 'id'), req.body), { message: 'Approved' });
  },
};
