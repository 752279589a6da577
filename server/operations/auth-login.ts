import { LOGIN_BODY_SCHEMA } from '../../engine/index.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const authLogin: OperationSpec<'auth.login'> = {
  name: 'auth.login',
  method: 'POST',
  genericPath: '/v1/apps/{app}/auth/login',
  summary: (t) => `Log in to ${t.app.name} with email and password`,
  auth: 'public',
  body: () => LOGIN_BODY_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('LoginResult')) }),
  errors: ['VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app) => app.passwordLogin,
  handler: async (engine, req, call) => ok(await engine.auth.login(call.app, req.body), { message: 'Logged in' }),
};
