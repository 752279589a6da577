import { clearSession, presentedRefreshToken } from '../middleware/session-cookies.ts';
import { appOf } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { refreshTokenBody } from './refresh-token-body.ts';
import { envelope } from './schemas/envelope.ts';
import { otpSignIn } from './otp-sign-in.ts';

export const authLogout: OperationSpec<'auth.logout'> = {
  name: 'auth.logout',
  method: 'POST',
  genericPath: '/v1/apps/{app}/auth/logout',
  summary: () => 'Revoke the refresh token and its family (and clear the session cookies)',
  auth: 'public',
  body: refreshTokenBody,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope({ type: 'null' }) }),
  errors: ['UNAUTHENTICATED', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: otpSignIn,
  handler: async (engine, req, call, res) => {
    const app = appOf(engine, call);
    await engine.otpLogin.logout(app, presentedRefreshToken(req));
    clearSession(res, app.basePath);
    return ok(null, { message: 'Signed out' });
  },
};
