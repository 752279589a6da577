import { LOGIN_BODY_SCHEMA, PHONE_LOGIN_SCHEMA } from '../../engine/index.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const authLogin: OperationSpec<'auth.login'> = {
  name: 'auth.login',
  method: 'POST',
  genericPath: '/v1/apps/{app}/auth/login',
  summary: (t) => (t.app.definition.auth?.otp ? `Log in to ${t.app.name} with email and password, or with a phone and the code sent to it by SMS (then with a refresh token)` : `Log in to ${t.app.name} with email and password`),
  auth: 'public',
  body: (t) => (t.app.definition.auth?.otp ? { oneOf: [LOGIN_BODY_SCHEMA, PHONE_LOGIN_SCHEMA] } : LOGIN_BODY_SCHEMA),
  response: (t) => ({ status: 200, schema: envelope(t.app.definition.auth?.otp ? { oneOf: [ref('LoginResult'), ref('SessionTokens')] } : ref('LoginResult')) }),
  errors: ['VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'OTP_INVALID', 'OTP_EXPIRED', 'OTP_USED', 'LOCKED', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app) => app.passwordLogin,
  handler: async (engine, req, call) => ok(await engine.auth.login(call.app, req.body), { message: 'Logged in' }),
};
