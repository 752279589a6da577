import { APPROVE_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';
import { USER_ID } from './user-params.ts';
import { registrationsServed } from './registrations-served.ts';

export const registrationsApprove: OperationSpec<'registrations.approve'> = {
  name: 'registrations.approve',
  method: 'POST',
  genericPath: '/v1/apps/{app}/registrations/{id}/approve',
  summary: () => 'Approve a pending registration: the user becomes active with the role they asked for, and is told so when the app declares a message (audited)',
  auth: 'bearer',
  params: () => ({ id: USER_ID }),
  body: () => APPROVE_SCHEMA,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref('User')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  servedFor: registrationsServed,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.registrations.approve(call.app, actor, need(call.id, 'id'), req.body), { message: 'Registration approved' });
  },
};
