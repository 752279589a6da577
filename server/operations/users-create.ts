import { CREATE_USER_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';
import { usersManaged } from './users-managed.ts';

export const usersCreate: OperationSpec<'users.create'> = {
  name: 'users.create',
  method: 'POST',
  genericPath: '/v1/apps/{app}/users',
  summary: (t) => `Add a user to ${t.app.name}: a role, an email or a phone to sign in with, scope attributes (audited; the password is stored hashed)`,
  auth: 'bearer',
  body: () => CREATE_USER_SCHEMA,
  response: () => ({ status: 201, schema: envelope(ref('User')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'APP_NOT_FOUND', 'DUPLICATE'],
  servedFor: usersManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.users.create(call.app, actor, req.body), { message: 'User created' }, 201);
  },
};
