import { UPDATE_USER_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';
import { USER_ID } from './user-params.ts';
import { usersManaged } from './users-managed.ts';

export const usersUpdate: OperationSpec<'users.update'> = {
  name: 'users.update',
  method: 'PATCH',
  genericPath: '/v1/apps/{app}/users/{id}',
  summary: () => 'Change a user: role, contacts, display name, scope attributes, password, active (deactivating revokes every refresh token at once)',
  auth: 'bearer',
  params: () => ({ id: USER_ID }),
  body: () => UPDATE_USER_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('User')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'DUPLICATE', 'CONFLICT'],
  servedFor: usersManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.users.update(call.app, actor, need(call.id, 'id'), req.body), { message: 'User updated' });
  },
};
