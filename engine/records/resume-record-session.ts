// Regaining a record session. A journey token lasts 30 minutes from the last step: an applicant who
// put the phone down for the evening, or reinstalled the app, has none — and the entity's duplicate
// check (one signup per mobile number in 30 days) forbids starting again. Where the public role's
// session says `resume: { dedupe, otp }`, the caller asks for a code to the value that duplicate
// check keys on (the mobile number) and trades it for a new session on the newest record signed up
// with it: proving the number again is what signing up proved.
//
// The code opens everything the record holds, so:
// - it is the resume policy's own (its subject the record): its resend limit, tries and lockout are
//   counters of their own — whoever knows the number cannot use up or lock the journey's own codes,
//   and the policy can be stronger than the signup's (eKYC: 6 digits, a day's lockout);
// - regaining a session ends every token of the record issued before (auth/record-session.ts: the
//   epoch moves on): someone who signed up with another's number, or holds an old token, is out;
// - the calls answer alike whether or not a record has the value: a code is "sent" (nothing is, and
//   a limit or lockout is not told either), any refusal of a code is the same bare OTP_INVALID.
//   (The work done differs — a found record sends a message — so the time taken may still tell.)
// The session regained is audited, and so is each refused attempt on a record; the check, the epoch
// and the audit entry of a regained session are one transaction
// with the code's consumption, on the record locked and read again: all or nothing.
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { OtpPolicyDef } from '../registry/definition-types.ts';
import { resolveEntity } from '../registry/resolve-target.ts';
import { compileFieldsValidator, type CompiledEntity } from './compile-entity.ts';
import { dedupeFingerprint } from './dedupe-fingerprint.ts';
import { findRecord, lockRecord } from './record-store.ts';
import type { RecordResult, RecordTarget } from './record-view.ts';
import { assertValidFields } from './write-checks.ts';
import type { OtpService } from '../otp/otp-service.ts';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { Actor } from '../auth/actor.ts';
import { issueRecordSession, publicRoleOf, type RecordSessionToken } from '../auth/record-session.ts';

/** What one entity's resume says, resolved against its app. */
export interface ResumeRule {
  entity: CompiledEntity;
  /** The public role, and how long its sessions last. */
  role: string;
  minutes: number;
  /** The duplicate check, and its field: what the caller gives. */
  dedupe: string;
  field: string;
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

/** The entity's resume, where the public role's session says one (the rest was checked at load: the dedupe rule and a one-channel policy exist). */
export function resumeOf(app: CompiledApp, entity: CompiledEntity): ResumeRule | undefined {
  const role = publicRoleOf(app);
  const session = role ? app.roles[role]!.permissions?.[entity.name]?.session : undefined;
  const resume = session?.resume;
  const field = resume && entity.definition.dedupe?.find((d) => d.name === resume.dedupe)?.field;
  const policy = resume && app.otpPolicies.get(resume.otp);
  if (!role || !session || !resume || !field || !policy) return undefined;
  return { entity, role, minutes: session.minutes, dedupe: resume.dedupe, field, policy, channel: policy.channels[0]! };
}

function resumeRule(app: CompiledApp, entityName: string): ResumeRule {
  const entity = resolveEntity(app, entityName);
  const rule = resumeOf(app, entity);
  if (!rule) throw new AppError('NOT_FOUND', `${entity.label} sessions cannot be resumed in app "${app.id}"`);
  return rule;
}

/** Refusals that would tell a record exists (a code used, expired, locked; tries left): all one. */
const TELLING = new Set(['OTP_INVALID', 'OTP_USED', 'OTP_EXPIRED', 'LOCKED']);

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
  /** The record signed up last with this value, if it is live and still holds the value. */
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
    /** A code to the value, when a record has it; the same answer when none has, or when the code is refused (limit, lockout). */
    async requestCode(app: CompiledApp, entityName: string, body: unknown): Promise<CodeSent> {
      const rule = resumeRule(app, entityName);
      const value = valueOf(rule, validatorsOf(rule).request, body)[rule.field]!;
      const answer: CodeSent = { channels: [rule.channel], expiresInSeconds: Math.round(rule.policy.validityMinutes * 60) };
      const row = await recordOf(app, rule, value);
      if (!row) return answer;
      try {
        await deps.otp.issue(app, rule.policy.name, row.id, { [rule.channel]: value });
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'RATE_LIMITED' && err.code !== 'LOCKED')) throw err;
        ctx.logger.info({ app: app.id, record: row.id, refused: err.code }, 'a session resume code was not sent');
      }
      return answer;
    },

    /** The value and the code last sent for its record: a new session on it (ending the others), and the record as its owner reads it. */
    async resume(app: CompiledApp, entityName: string, body: unknown): Promise<ResumedSession> {
      const rule = resumeRule(app, entityName);
      const given = valueOf(rule, validatorsOf(rule).verify, body);
      const value = given[rule.field]!;
      const row = await recordOf(app, rule, value);
      if (!row) throw new AppError('OTP_INVALID');
      const actor: Actor = { id: `session:${row.id}`, app: app.id, role: rule.role, session: { entity: rule.entity.name, record: row.id } };
      let epoch: number;
      try {
        ({ result: epoch } = await deps.otp.verifyLatest(app, rule.policy.name, row.id, given.otp, async (tx) => {
          // Read again under its lock: deleted or given another value meanwhile, the code is not spent.
          const locked = await lockRecord(tx, app.id, rule.entity.name, row.id);
          if (!locked || locked.data[rule.field] !== value) throw new AppError('OTP_INVALID');
          const [moved] = await tx.$queryRaw<{ epoch: number }[]>`
            INSERT INTO record_session_epochs (record_id, epoch, updated_at) VALUES (${row.id}::uuid, 1, ${ctx.clock()})
            ON CONFLICT (record_id) DO UPDATE SET epoch = record_session_epochs.epoch + 1, updated_at = EXCLUDED.updated_at
            RETURNING epoch`;
          await appendAudit(tx, { app: app.id, entity: rule.entity.name, recordId: row.id, action: 'session.resume', actor, detail: { by: rule.field, channel: rule.channel, epoch: moved!.epoch }, at: ctx.clock() });
          return moved!.epoch;
        }));
      } catch (err) {
        if (!(err instanceof AppError) || !TELLING.has(err.code)) throw err;
        // A refused attempt on a lead is the lead's history too (who tried to take its session, and how it failed).
        await appendAudit(ctx.db, { app: app.id, entity: rule.entity.name, recordId: row.id, action: 'session.resume', outcome: 'refused', actor, detail: { by: rule.field, channel: rule.channel, refused: err.code }, at: ctx.clock() });
        throw new AppError('OTP_INVALID');
      }
      const session = await issueRecordSession(deps.tokens, app, rule.entity.name, row.id, rule.minutes, epoch);
      return { record: await deps.get({ app: app.id, entity: rule.entity.name }, { ...actor, session: { ...actor.session!, epoch } }, row.id), session };
    },
  };
}

export type SessionResume = ReturnType<typeof createSessionResume>;
