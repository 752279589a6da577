import { OTP_REQUEST_SCHEMA } from '../../engine/index.ts';
import { appOf } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';
import { otpSignIn } from './otp-sign-in.ts';

export const authOtpRequest: OperationSpec<'auth.otpRequest'> = {
  name: 'auth.otpRequest',
  method: 'POST',
  genericPath: '/v1/apps/{app}/auth/otp/request',
  summary: () => 'Send a sign-in code to the phone (and email) of a user',
  auth: 'public',
  body: () => OTP_REQUEST_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('IssuedOtp')) }),
  errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'LOCKED', 'RATE_LIMITED', 'APP_NOT_FOUND'],
  servedFor: otpSignIn,
  handler: async (engine, req, call) => ok(await engine.otpLogin.request(appOf(engine, call), req.body), { message: 'OTP sent' }),
};
