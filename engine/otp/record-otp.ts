// OTPs about a record, e.g. a customer proving their phone at a promotion (PromoPartner §4.1.4–4.1.5):
// the record must exist and pass a condition (the promotion is active); success yields a short
// proof token for the next step (creating the transaction).
import type { Actor } from '../auth/actor.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { Condition, RouteAliasDef } from '../registry/definition-types.ts';
import { compileConditionGuard, type ConditionGuard } from '../rules/condition-guard.ts';
import { findRecord } from '../records/record-store.ts';
import { recordView } from '../records/record-view.ts';
import { resolveEntity } from '../records/resolve-target.ts';
import { bodyValidator } from '../support/validate-body.ts';
import type { OtpService } from './otp-service.ts';
import { OTP_VERIFY_SCHEMA } from '../auth/otp-login.ts';

const validateRequest = bodyValidator<{ phone?: string; email?: string }>({
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { phone: { type: 'string', format: 'phone' }, email: { type: 'string', format: 'email', maxLength: 254 } },
});
const validateVerify = bodyValidator<{ otpId: string; code: string }>(OTP_VERIFY_SCHEMA);

export interface RecordOtpRoute {
  entity: string;
  policy: string;
  when?: Condition;
  proofMinutes?: number;
}

const guards = new WeakMap<object, ConditionGuard>();

export function createRecordOtp(ctx: EngineContext, otp: OtpService) {
  async function loadEligible(app: CompiledApp, route: RecordOtpRoute, id: string, actor: Actor) {
    const entity = resolveEntity(app, route.entity);
    const row = await findRecord(ctx.db, app.id, entity.name, id);
    if (!row) throw new AppError('RECORD_NOT_FOUND', `No ${entity.name} with id "${id}"`);
    if (route.when) {
      let guard = guards.get(route.when);
      if (!guard) guards.set(route.when, (guard = compileConditionGuard(route.when)));
      if (!(await guard({ record: recordView(entity, row), input: {}, actor: { ...actor } }))) {
        throw new AppError('INVALID_TRANSITION', `This ${entity.label} is not open for verification`, { details: [{ path: '$.id', message: 'The condition of this step does not hold' }] });
      }
    }
    return entity;
  }

  return {
    /**
     * A create that needs an OTP proof (a transaction needs the customer's verification): the token
     * must be for the record named in the body, which must still pass the condition (the promotion
     * is still active). Returns the body without the token, with the verified contact copied in.
     */
    async withProof(app: CompiledApp, rule: NonNullable<RouteAliasDef['proof']>, body: unknown, actor: Actor): Promise<Record<string, unknown>> {
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('VALIDATION_FAILED', 'The body must be a JSON object');
      const { [rule.tokenField]: token, ...rest } = body as Record<string, unknown>;
      if (typeof token !== 'string' || !token) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: `$.${rule.tokenField}`, message: 'A verification token is required' }] });
      const claims = await ctx.tokens.verifyProof(token, app.id);
      const recordId = rest[rule.recordField];
      if (claims.recordId !== recordId) throw new AppError('FORBIDDEN', 'The verification was for another record', { details: [{ path: `$.${rule.recordField}`, message: 'Does not match the verification' }] });
      await loadEligible(app, { entity: rule.entity ?? String(claims.entity), policy: '', when: rule.when }, String(recordId), actor);
      for (const [field, claim] of Object.entries(rule.copy ?? {})) if (claims[claim]) rest[field] = claims[claim];
      return rest;
    },

    async request(app: CompiledApp, route: RecordOtpRoute, id: string, actor: Actor, body: unknown) {
      const { phone, email } = validateRequest(body);
      const entity = await loadEligible(app, route, id, actor);
      const subject = `${entity.name}:${id}:${phone ?? ''}:${email ?? ''}`;
      return otp.issue(app, route.policy, subject, { sms: phone, email });
    },
    async verify(app: CompiledApp, route: RecordOtpRoute, id: string, actor: Actor, body: unknown) {
      const { otpId, code } = validateVerify(body);
      const entity = await loadEligible(app, route, id, actor);
      const challenge = await ctx.db.otpChallenge.findUnique({ where: { id: otpId }, select: { subject: true } });
      // A code for another record (or another customer's code) is simply not this record's code.
      if (!challenge?.subject.startsWith(`${entity.name}:${id}:`)) throw new AppError('OTP_INVALID');
      const { subject } = await otp.verify(app, route.policy, otpId, code);
      const [, , phone, email] = subject.split(':');
      const proof = await ctx.tokens.issueProof(app.id, subject, { entity: entity.name, recordId: id, phone: phone ?? '', email: email ?? '', by: actor.id }, route.proofMinutes ?? 15);
      return { verificationToken: proof.token, expiresIn: proof.expiresIn, verified: { phone: phone || null, email: email || null } };
    },
  };
}

export type RecordOtp = ReturnType<typeof createRecordOtp>;
