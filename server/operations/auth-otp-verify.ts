import { OTP_VERIFY_SCHEMA } from '../../engine/index.ts';
import { deliverSession } from '../middleware/session-cookies.ts';
import { appOf } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { otpSignIn } from './otp-sign-in.ts';
import { sessionAnswer } from './session-answer.ts';

export const authOtpVerify: OperationSpec<'auth.otpVerify'> = {
  name: 'auth.otpVerify',
  method: 'POST',
  genericPath: '/v1/apps/{app}/auth/otp/verify',
  summary: () => 'Exchange the code for access and refresh tokens (X-Client-Type: web sets cookies instead)',
  auth: 'public',
  body: () => OTP_VERIFY_SCHEMA,
  response: sessionAnswer,
  errors: ['VALIDATION_FAILED', 'OTP_INVALID', 'OTP_EXPIRED', 'OTP_USED', 'LOCKED', 'UNAUTHENTICATED', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: otpSignIn,
  handler: async (engine, req, call, res) => {
    const app = appOf(engine, call);
    return ok(deliverSession(req, res, await engine.otpLogin.verify(app, req.body), app.basePath), { message: 'Signed in' });
  },
};
