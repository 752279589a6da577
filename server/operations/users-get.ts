import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';
import { USER_ID } from './user-params.ts';
import { usersManaged } from './users-managed.ts';

export const usersGet: OperationSpec<'users.get'> = {
  name: 'users.get',
  method: 'GET',
  genericPath: '/v1/apps/{app}/users/{id}',
  summary: () => 'One user',
  auth: 'bearer',
  params: () => ({ id: USER_ID }),
  response: () => ({ status: 200, schema: envelope(ref('User')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: usersManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.users.get(call.app, actor, need(call.id, 'id')));
  },
};
