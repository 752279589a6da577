import { REJECT_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';
import { USER_ID } from './user-params.ts';
import { registrationsServed } from './registrations-served.ts';

export const registrationsReject: OperationSpec<'registrations.reject'> = {
  name: 'registrations.reject',
  method: 'POST',
  genericPath: '/v1/apps/{app}/registrations/{id}/reject',
  summary: () => 'Reject a pending registration with a reason: the user never signs in, and their email and phone stay taken (audited)',
  auth: 'bearer',
  params: () => ({ id: USER_ID }),
  body: () => REJECT_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('User')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  servedFor: registrationsServed,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.registrations.reject(call.app, actor, need(call.id, 'id'), req.body), { message: 'Registration rejected' });
  },
};
