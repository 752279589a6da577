import { authenticate } from '../middleware/authenticate.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';
import { usersManaged } from './users-managed.ts';

export const usersList: OperationSpec<'users.list'> = {
  name: 'users.list',
  method: 'GET',
  genericPath: '/v1/apps/{app}/users',
  summary: (t) => `The users of ${t.app.name} (oldest first, at most 500), by role and whether active`,
  auth: 'bearer',
  query: () => ({ role: { type: 'string', description: 'Only this role' }, active: { type: 'string', enum: ['true', 'false'], description: 'Only active or only deactivated users' } }),
  response: () => ({ status: 200, schema: envelope({ type: 'array', maxItems: 500, items: ref('User') }) }),
  errors: ['BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'APP_NOT_FOUND'],
  servedFor: usersManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.users.list(call.app, actor, req.query as Record<string, unknown>));
  },
};
