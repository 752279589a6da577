// Regaining a record session. A journey token lasts 30 minutes from the last step: an applicant who
// put the phone down for the evening, or reinstalled the app, has none — and the entity's duplicate
// check (one signup per mobile number in 30 days) forbids starting again. Where the public role's
// session says `resume: { dedupe, otp }`, the caller asks for a code to the value that duplicate
// check keys on (the mobile number) and trades it for a new session on the newest record signed up
// with it: proving the number again is what signing up proved.
//
// The code is the OTP policy's, with the record as its subject, so its resend limits, attempts and
// lockout are the same counters as the journey's own codes of that policy: resuming is no second
// door with fresh counters. A number no record has is answered as a known one is (nothing is sent):
// the answer does not say whether it has a journey. The session regained is audited.
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { OtpPolicyDef } from '../registry/definition-types.ts';
import { resolveEntity } from '../registry/resolve-target.ts';
import { compileFieldsValidator, type CompiledEntity } from './compile-entity.ts';
import { dedupeFingerprint } from './dedupe-fingerprint.ts';
import { findRecord } from './record-store.ts';
import type { RecordResult, RecordTarget } from './record-view.ts';
import { assertValidFields } from './write-checks.ts';
import type { OtpService } from '../otp/otp-service.ts';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { Actor } from '../auth/actor.ts';
import { issueRecordSession, publicRoleOf, type RecordSessionToken } from '../auth/record-session.ts';

/** What one entity's resume says, resolved against its app. */
interface ResumeRule {
  entity: CompiledEntity;
  role: string;
  minutes: number;
  /** The field the caller gives (the duplicate check's). */
  field: string;
  dedupe: string;
  policy: OtpPolicyDef;
  /** The policy's one channel: where the code goes. */
  channel: 'sms' | 'email';
}

export interface CodeSent {
  channels: ('sms' | 'email')[];
  expiresInSeconds: number;
}

export interface ResumedSession {
  record: RecordResult;
  session: RecordSessionToken;
}

function resumeRule(app: CompiledApp, entityName: string): ResumeRule {
  const entity = resolveEntity(app, entityName);
  const role = publicRoleOf(app);
  const session = role ? app.roles[role]!.permissions?.[entity.name]?.session : undefined;
  const resume = session?.resume;
  // The rest was checked at load (check-app.ts): the dedupe rule and a one-channel policy exist.
  if (!role || !session || !resume) throw new AppError('NOT_FOUND', `${entity.label} sessions cannot be resumed in app "${app.id}"`);
  const field = entity.definition.dedupe!.find((d) => d.name === resume.dedupe)!.field;
  const policy = app.otpPolicies.get(resume.otp)!;
  return { entity, role, minutes: session.minutes, field, dedupe: resume.dedupe, policy, channel: policy.channels[0]! };
}

// The bodies, validated as the entity validates the field (its format and its error code).
const validators = new WeakMap<CompiledEntity, { request: ReturnType<typeof compileFieldsValidator>; verify: ReturnType<typeof compileFieldsValidator> }>();
function validatorsOf(rule: ResumeRule) {
  let v = validators.get(rule.entity);
  if (!v) {
    const code = { type: 'string', pattern: `^[0-9]{${rule.policy.digits}}$` };
    v = { request: compileFieldsValidator(rule.entity, [rule.field]), verify: compileFieldsValidator(rule.entity, [rule.field], { otp: code }) };
    validators.set(rule.entity, v);
  }
  return v;
}

export function createSessionResume(ctx: EngineContext, deps: { otp: OtpService; tokens: AccessTokens; get(t: RecordTarget, actor: Actor, id: string): Promise<RecordResult> }) {
  /** The newest live record signed up with this value, still holding it. */
  async function recordOf(app: CompiledApp, rule: ResumeRule, value: string) {
    const hash = dedupeFingerprint(ctx.hashKey, app.id, rule.entity.name, rule.dedupe, value);
    const print = await ctx.db.recordFingerprint.findFirst({ where: { app: app.id, entity: rule.entity.name, name: rule.dedupe, hash }, orderBy: { createdAt: 'desc' }, select: { recordId: true } });
    const row = print && (await findRecord(ctx.db, app.id, rule.entity.name, print.recordId));
    // A record whose value was changed since no longer proves anything with the old one.
    return row && row.data[rule.field] === value ? row : undefined;
  }

  function valueOf(rule: ResumeRule, validate: ReturnType<typeof compileFieldsValidator>, body: unknown): Record<string, string> {
    assertValidFields(rule.entity.fields, validate, body);
    return body as Record<string, string>;
  }

  return {
    /** A code to the value, when a record has it; the same answer when none has. */
    async requestCode(app: CompiledApp, entityName: string, body: unknown): Promise<CodeSent> {
      const rule = resumeRule(app, entityName);
      const value = valueOf(rule, validatorsOf(rule).request, body)[rule.field]!;
      const row = await recordOf(app, rule, value);
      if (!row) return { channels: [rule.channel], expiresInSeconds: Math.round(rule.policy.validityMinutes * 60) };
      const issued = await deps.otp.issue(app, rule.policy.name, row.id, { [rule.channel]: value });
      return { channels: issued.channels, expiresInSeconds: issued.expiresInSeconds };
    },

    /** The value and the code last sent for its record: a new session on it, and the record as its owner reads it. */
    async resume(app: CompiledApp, entityName: string, body: unknown): Promise<ResumedSession> {
      const rule = resumeRule(app, entityName);
      const given = valueOf(rule, validatorsOf(rule).verify, body);
      const row = await recordOf(app, rule, given[rule.field]!);
      // An unknown value reads as a wrong code: resuming never tells which numbers have a journey.
      if (!row) throw new AppError('OTP_INVALID');
      const actor: Actor = { id: `session:${row.id}`, app: app.id, role: rule.role, session: { entity: rule.entity.name, record: row.id } };
      await deps.otp.verifyLatest(app, rule.policy.name, row.id, given.otp, (tx) =>
        appendAudit(tx, { app: app.id, entity: rule.entity.name, recordId: row.id, action: 'session.resume', actor, detail: { by: rule.field, channel: rule.channel }, at: ctx.clock() }),
      );
      const session = await issueRecordSession(deps.tokens, app, rule.entity.name, row.id, rule.minutes);
      return { record: await deps.get({ app: app.id, entity: rule.entity.name }, actor, row.id), session };
    },
  };
}

export type SessionResume = ReturnType<typeof createSessionResume>;
