import { OTP_VERIFY_SCHEMA } from '../../engine/index.ts';
import { actorFor, appOf, need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { RECORD_ID } from './record-params.ts';
import { recordOtpPolicies } from './record-otp-policies.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const otpVerify: OperationSpec<'otp.verify'> = {
  name: 'otp.verify',
  method: 'POST',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/otp/{policy}/verify',
  summary: (t) => `Check a customer's code about a ${t.entity!.label}; answers a verification token`,
  auth: 'actor-or-public',
  params: (t) => ({ id: RECORD_ID, policy: { type: 'string', enum: recordOtpPolicies(t.app, t.entity) } }),
  body: () => OTP_VERIFY_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('Verification')) }),
  errors: [
    'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'RECORD_NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND', 'INVALID_TRANSITION',
    'OTP_INVALID', 'OTP_EXPIRED', 'OTP_USED', 'LOCKED',
  ],
  servedFor: (app, entity) => recordOtpPolicies(app, entity).length > 0,
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    const policy = need(call.params?.policy ?? call.route?.policy, 'policy');
    return ok(await engine.recordOtp.verify(appOf(engine, call), policy, call.entity, need(call.id, 'id'), actor, req.body), { message: 'Verified' });
  },
};
