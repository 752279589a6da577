import { deliverSession, presentedRefreshToken } from '../middleware/session-cookies.ts';
import { appOf } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { refreshTokenBody } from './refresh-token-body.ts';
import { otpSignIn } from './otp-sign-in.ts';
import { sessionAnswer } from './session-answer.ts';

export const authRefresh: OperationSpec<'auth.refresh'> = {
  name: 'auth.refresh',
  method: 'POST',
  genericPath: '/v1/apps/{app}/auth/refresh',
  summary: () => 'Rotate the refresh token and get a new access token',
  auth: 'public',
  body: refreshTokenBody,
  bodyOptional: () => true,
  response: sessionAnswer,
  errors: ['UNAUTHENTICATED', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: otpSignIn,
  handler: async (engine, req, call, res) => {
    const app = appOf(engine, call);
    return ok(deliverSession(req, res, await engine.otpLogin.refresh(app, presentedRefreshToken(req)), app.basePath), { message: 'Token refreshed' });
  },
};
