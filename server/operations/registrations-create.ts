import { REGISTRATION_SCHEMA } from '../../engine/index.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';
import { registrationsServed } from './registrations-served.ts';

export const registrationsCreate: OperationSpec<'registrations.create'> = {
  name: 'registrations.create',
  method: 'POST',
  genericPath: '/v1/apps/{app}/registrations',
  summary: (t) =>
    `Register for an account of ${t.app.name}: a pending user who cannot sign in until an approver approves them${t.app.definition.registration?.otp ? ' (the phone proven by the code sent to it)' : ''}. A taken email or phone is answered the same way, and stores nothing`,
  auth: 'public',
  body: () => REGISTRATION_SCHEMA,
  response: () => ({ status: 202, schema: envelope(ref('RegistrationReceived')) }),
  errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'OTP_INVALID', 'OTP_EXPIRED', 'OTP_USED', 'LOCKED', 'RATE_LIMITED', 'APP_NOT_FOUND'],
  servedFor: registrationsServed,
  handler: async (engine, req, call) => ok(await engine.registrations.register(call.app, req.body), { message: 'Registration received: an approver will review it' }, 202),
};
