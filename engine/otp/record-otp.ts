// OTPs about a record, e.g. a customer proving their phone at a promotion (PromoPartner §4.1.4–4.1.5).
// Everything about them is the OTP policy's: which entity, the condition the record must meet (the
// promotion is active) and the roles that may ask. Success yields a short proof token for the next
// step (creating the transaction), bound to the user who obtained it and to their scope then; the
// entity that requires the proof (EntityDef.proof) spends it once, in the create's transaction.
import type { Actor } from '../auth/actor.ts';
import { requirePermission, scopeRuleOf } from '../auth/permissions.ts';
import { assertInScope, scopeValues } from '../records/record-scope.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { Condition, OtpPolicyDef, ProofRule } from '../registry/definition-types.ts';
import { compileConditionGuard, nowFacts, type ConditionGuard } from '../conditions/condition-guard.ts';
import { findRecord } from '../records/record-store.ts';
import { recordView } from '../records/record-view.ts';
import { resolveEntity } from '../registry/resolve-target.ts';
import type { CompiledEntity } from '../records/compile-entity.ts';
import { bodyValidator } from '../support/validate-body.ts';
import type { OtpService } from './otp-service.ts';
import { OTP_VERIFY_SCHEMA } from '../auth/otp-login.ts';

export const RECORD_OTP_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { phone: { type: 'string', format: 'phone' }, email: { type: 'string', format: 'email', maxLength: 254 } },
} as const;
const validateRequest = bodyValidator<{ phone?: string; email?: string }>(RECORD_OTP_REQUEST_SCHEMA);
const validateVerify = bodyValidator<{ otpId: string; code: string }>(OTP_VERIFY_SCHEMA);

const DEFAULT_PROOF_MINUTES = 15;

/** A verified proof, ready to be spent by the create that required it. */
export interface SpentProof {
  /** The body without the token, with the verified contact copied in. */
  data: Record<string, unknown>;
  /** The verification's id: each creates one record (claimed in the create's transaction). */
  proofId: string;
  /** The actor's scope values when verifying, by the entity whose creates need the proof. */
  scopes: unknown;
}

const guards = new WeakMap<object, ConditionGuard>();
function guardOf(condition: Condition): ConditionGuard {
  let guard = guards.get(condition);
  if (!guard) guards.set(condition, (guard = compileConditionGuard(condition)));
  return guard;
}

const invalidBody = (path: string, message: string) => new AppError('VALIDATION_FAILED', undefined, { details: [{ path, message }] });

export function createRecordOtp(ctx: EngineContext, otp: OtpService) {
  /** The policy of a record OTP flow, for a role it allows and an entity it is about. */
  function recordPolicy(app: CompiledApp, policyName: string, entityName: string | undefined, actor: Actor): { policy: OtpPolicyDef; entity: CompiledEntity } {
    const policy = app.otpPolicies.get(policyName);
    if (!policy?.record || (entityName !== undefined && entityName !== policy.record.entity)) {
      throw new AppError('NOT_FOUND', `No OTP policy "${policyName}" for ${entityName ?? 'records'} in app "${app.id}"`);
    }
    const entity = resolveEntity(app, policy.record.entity);
    requirePermission(app, actor, entity.name, 'read');
    if (!policy.roles?.includes(actor.role)) throw new AppError('FORBIDDEN', `Role "${actor.role}" may not ask for "${policy.name}" codes`);
    return { policy, entity };
  }

  async function loadEligible(app: CompiledApp, entity: CompiledEntity, when: Condition | undefined, id: string, actor: Actor, at: string) {
    const row = await findRecord(ctx.db, app.id, entity.name, id);
    if (!row) throw new AppError('RECORD_NOT_FOUND', `No ${entity.name} with id "${id}"`);
    if (when && !(await guardOf(when)({ record: recordView(entity, row), input: {}, actor: { ...actor }, now: nowFacts(ctx.clock()) }))) {
      throw new AppError('INVALID_TRANSITION', `This ${entity.label} is not open for verification`, { details: [{ path: at, message: 'The condition of this step does not hold' }] });
    }
    return row;
  }

  /** The actor's scope values for each entity whose creates require a proof about `entity`. */
  async function scopesFor(app: CompiledApp, entity: CompiledEntity, actor: Actor): Promise<Record<string, string[]>> {
    const scopes: Record<string, string[]> = {};
    for (const e of app.entities.values()) {
      const rule = e.definition.proof;
      const scope = scopeRuleOf(app, actor, e.name);
      if (rule && (rule.entity ?? entity.name) === entity.name && scope) scopes[e.name] = await scopeValues(ctx.db.sql, app.id, actor, scope);
    }
    return scopes;
  }

  return {
    /**
     * A create that needs a proof (a transaction needs the customer's verification): the token must
     * be this app's, issued to this actor, for the record named in the body, which must still pass
     * the condition (the promotion is still active); the record created must fall within the scope
     * the actor had when verifying. The caller claims `proofId` in its transaction: one proof, one record.
     */
    async checkProof(app: CompiledApp, rule: ProofRule, body: Record<string, unknown>, actor: Actor): Promise<SpentProof> {
      const { [rule.tokenField]: token, ...rest } = body;
      if (typeof token !== 'string' || !token) throw invalidBody(`$.${rule.tokenField}`, 'A verification token is required');
      const claims = await ctx.tokens.verifyProof(token, app.id);
      const recordId = rest[rule.recordField];
      if (typeof claims.jti !== 'string' || typeof claims.entity !== 'string') throw new AppError('UNAUTHENTICATED', 'The verification token is not valid');
      if (claims.by !== actor.id) throw new AppError('FORBIDDEN', 'The verification was obtained by another user', { details: [{ path: `$.${rule.tokenField}`, message: 'Not yours' }] });
      if (typeof recordId !== 'string' || claims.recordId !== recordId.toLowerCase()) throw new AppError('FORBIDDEN', 'The verification was for another record', { details: [{ path: `$.${rule.recordField}`, message: 'Does not match the verification' }] });
      const entity = resolveEntity(app, rule.entity ?? claims.entity);
      if (entity.name !== claims.entity) throw new AppError('FORBIDDEN', 'The verification was for another kind of record', { details: [{ path: `$.${rule.tokenField}`, message: 'Not a verification for this' }] });
      await loadEligible(app, entity, rule.when, String(recordId), actor, `$.${rule.recordField}`);
      // The verified contacts, and only those: a contact the client sent that was not verified is dropped.
      for (const [field, claim] of Object.entries(rule.copy ?? {})) {
        if (claims[claim]) rest[field] = claims[claim];
        else delete rest[field];
      }
      return { data: rest, proofId: claims.jti, scopes: claims.scopes };
    },

    /**
     * After scope stamping: the record's scope value (its store) must be one the actor held when
     * the verification was obtained.
     */
    assertWithinProofScope(app: CompiledApp, creating: CompiledEntity, actor: Actor, data: Record<string, unknown>, proof: SpentProof): void {
      const scope = scopeRuleOf(app, actor, creating.name);
      if (!scope) return;
      const bound = (proof.scopes as Record<string, unknown> | undefined)?.[creating.name];
      if (!Array.isArray(bound) || !bound.includes(String(data[scope.field]))) {
        throw new AppError('FORBIDDEN', `The verification was not obtained for this ${scope.field}`, { details: [{ path: `$.${scope.field}`, message: 'Outside the verification' }] });
      }
    },

    async request(app: CompiledApp, policyName: string, entityName: string | undefined, id: string, actor: Actor, body: unknown) {
      const { policy, entity } = recordPolicy(app, policyName, entityName, actor);
      const { phone, email } = validateRequest(body);
      const row = await loadEligible(app, entity, policy.record!.when, id, actor, '$.id');
      // The record is the caller's to reach (their scope; a record session's own record).
      await assertInScope(ctx.db.sql, app.id, actor, requirePermission(app, actor, entity.name, 'read'), row);
      // One subject per customer contact at one record (its id as stored, the email in lower case,
      // so another spelling is not another customer): resends and lockouts count per customer there.
      const subject = `${entity.name}:${row.id}:${phone ?? ''}:${email?.toLowerCase() ?? ''}`;
      return otp.issue(app, policy.name, subject, { sms: phone, email });
    },

    async verify(app: CompiledApp, policyName: string, entityName: string | undefined, id: string, actor: Actor, body: unknown) {
      const { policy, entity } = recordPolicy(app, policyName, entityName, actor);
      const { otpId, code } = validateVerify(body);
      const row = await loadEligible(app, entity, policy.record!.when, id, actor, '$.id');
      // The record is the caller's to reach (their scope; a record session's own record).
      await assertInScope(ctx.db.sql, app.id, actor, requirePermission(app, actor, entity.name, 'read'), row);
      const challenge = await ctx.db.otpChallenge.findUnique({ where: { id: otpId }, select: { subject: true } });
      // A code for another record (or another customer's code) is simply not this record's code.
      if (!challenge?.subject.startsWith(`${entity.name}:${row.id}:`)) throw new AppError('OTP_INVALID');
      const { subject } = await otp.verify(app, policy.name, otpId, code);
      const [, , phone, email] = subject.split(':');
      const minutes = policy.record!.proofMinutes ?? DEFAULT_PROOF_MINUTES;
      const proof = await ctx.tokens.issueProof(app.id, subject, { jti: otpId, entity: entity.name, recordId: row.id, phone: phone ?? '', email: email ?? '', by: actor.id, scopes: await scopesFor(app, entity, actor) }, minutes);
      return { verificationToken: proof.token, expiresIn: proof.expiresIn, verified: { phone: phone || null, email: email || null } };
    },
  };
}

export type RecordOtp = ReturnType<typeof createRecordOtp>;
