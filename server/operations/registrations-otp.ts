import { REGISTRATION_OTP_SCHEMA } from '../../engine/index.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const registrationsOtp: OperationSpec<'registrations.otp'> = {
  name: 'registrations.otp',
  method: 'POST',
  genericPath: '/v1/apps/{app}/registrations/otp',
  summary: (t) => `Send a code to the phone someone registering for ${t.app.name} gives (it proves the phone; it signs no one in). Limited per phone by the OTP policy and per app per hour`,
  auth: 'public',
  body: () => REGISTRATION_OTP_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('IssuedOtp')) }),
  errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'LOCKED', 'RATE_LIMITED', 'APP_NOT_FOUND'],
  servedFor: (app) => app.definition.registration?.otp !== undefined,
  handler: async (engine, req, call) => ok(await engine.registrations.requestCode(call.app, req.body), { message: 'OTP sent' }),
};
