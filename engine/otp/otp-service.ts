// One-time codes by policy. Codes are kept as HMACs and compared in constant time. Everything
// about one subject (an account, a customer at a promotion) is serialised by an advisory lock, so
// parallel wrong guesses all count, exactly N of them lock, and two right answers cannot both win.
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { OutboxRow } from '../notify/outbox-row.ts';
import { outboxInsertData } from '../notify/outbox-store.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { OtpPolicyDef } from '../registry/definition-types.ts';
import { UUID_RE } from '../support/uuid.ts';
import type { Prisma } from '../store/database.ts';

export interface OtpTargets {
  sms?: string;
  email?: string;
}

export interface IssuedOtp {
  otpId: string;
  expiresAt: string;
  expiresInSeconds: number;
  channels: ('sms' | 'email')[];
}

const minutes = (n: number) => Math.round(n * 60_000);

function policyOf(app: CompiledApp, name: string): OtpPolicyDef {
  const p = app.otpPolicies.get(name);
  if (!p) throw new AppError('NOT_FOUND', `App "${app.id}" has no OTP policy "${name}"`);
  return p;
}

async function lockSubject(tx: Prisma.TransactionClient, app: string, policy: string, subject: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`otp:${app}:${policy}:${subject}`}, 0))`;
}

async function assertNotLocked(tx: Prisma.TransactionClient, app: string, policy: string, subject: string, now: Date) {
  const lock = await tx.otpLockout.findUnique({ where: { app_policy_subject: { app, policy, subject } } });
  if (lock && lock.lockedUntil > now) {
    throw new AppError('LOCKED', undefined, { data: { retryAfterSeconds: Math.ceil((lock.lockedUntil.getTime() - now.getTime()) / 1000) } });
  }
}

export function createOtpService(ctx: EngineContext) {
  const hash = (id: string, code: string) => createHmac('sha256', ctx.hashKey).update(`${id}:${code}`).digest('hex');

  function generate(policy: OtpPolicyDef): string {
    if (policy.mode === 'fixed') {
      // Refused at load time in production; a second guard here costs nothing.
      if (ctx.production) throw new AppError('INTERNAL', 'Fixed OTP codes are not allowed in production');
      return policy.fixedCode ?? '1234567890'.slice(0, policy.digits);
    }
    return String(randomInt(0, 10 ** policy.digits)).padStart(policy.digits, '0');
  }

  return {
    /** Sends a new code to the policy's channels among `targets` (all in one transaction with its messages). */
    async issue(app: CompiledApp, policyName: string, subject: string, targets: OtpTargets): Promise<IssuedOtp> {
      const issued = await ctx.db.$transaction((tx) => this.issueIn(tx, app, policyName, subject, targets));
      ctx.outboxWritten();
      return issued;
    },

    /** The same inside a caller's transaction (e.g. a signup that sends its first code). */
    async issueIn(tx: Prisma.TransactionClient, app: CompiledApp, policyName: string, subject: string, targets: OtpTargets): Promise<IssuedOtp> {
      const policy = policyOf(app, policyName);
      const channels = policy.channels.filter((c) => targets[c]);
      if (!channels.length) throw new AppError('VALIDATION_FAILED', 'No channel to send the code to', { details: [{ path: '$', message: `Give one of: ${policy.channels.join(', ')}` }] });
      const now = ctx.clock();
      const id = randomUUID();
      const code = generate(policy);
      const expiresAt = new Date(now.getTime() + minutes(policy.validityMinutes));
      const rows: OutboxRow[] = channels.map((channel) => {
        const template = app.templates.get(policy.templates![channel]!)!;
        const out = template.render({ otp: { code, validMinutes: policy.validityMinutes }, app: { id: app.id, name: app.name } });
        const to = targets[channel]!;
        return {
          app: app.id,
          channel,
          recordId: null,
          template: template.name,
          recipient: to,
          payload: channel === 'sms' ? { to, body: out.text } : { to, subject: out.subject, text: out.text, html: out.html },
          idempotencyKey: `${app.id}:otp:${id}:${channel}`,
        };
      });
      {
        await lockSubject(tx, app.id, policy.name, subject);
        await assertNotLocked(tx, app.id, policy.name, subject, now);
        if (policy.resend) {
          const since = new Date(now.getTime() - minutes(policy.resend.withinMinutes));
          const recent = await tx.otpChallenge.findMany({ where: { app: app.id, policy: policy.name, subject, createdAt: { gt: since } }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } });
          if (recent.length > policy.resend.max) {
            const freeAt = recent[recent.length - policy.resend.max - 1]!.createdAt.getTime() + minutes(policy.resend.withinMinutes);
            throw new AppError('RATE_LIMITED', `At most ${policy.resend.max} resends per ${policy.resend.withinMinutes} minutes`, { data: { retryAfterSeconds: Math.ceil((freeAt - now.getTime()) / 1000) } });
          }
        }
        // The newest code is the one a flow checks (verifyLatest): a second code within the same
        // millisecond as the last (or under a stopped clock) is made to come strictly after it.
        const last = await tx.otpChallenge.findFirst({ where: { app: app.id, policy: policy.name, subject }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
        const createdAt = last && last.createdAt >= now ? new Date(last.createdAt.getTime() + 1) : now;
        await tx.otpChallenge.create({
          data: { id, app: app.id, policy: policy.name, subject, codeHash: hash(id, code), channels, maxAttempts: policy.maxAttempts ?? null, expiresAt, createdAt },
        });
        await tx.outboxMessage.createMany({ data: outboxInsertData(rows, now) });
      }
      // Counted when written; a caller's transaction that then rolls back (a refused signup) is rare.
      ctx.metrics.otp(app.id, policy.name, 'issued');
      return { otpId: id, expiresAt: expiresAt.toISOString(), expiresInSeconds: Math.round(minutes(policy.validityMinutes) / 1000), channels };
    },

    /** Checks a code against the newest code sent to a subject (flows that send { leadId, otp }). */
    async verifyLatest<T = undefined>(app: CompiledApp, policyName: string, subject: string, code: unknown, andThen?: (tx: Prisma.TransactionClient, subject: string) => Promise<T>): Promise<{ subject: string; result: T }> {
      const latest = await ctx.db.otpChallenge.findFirst({ where: { app: app.id, policy: policyName, subject }, orderBy: { createdAt: 'desc' }, select: { id: true } });
      if (!latest) throw new AppError('OTP_INVALID', 'No code was sent for this');
      return this.verify(app, policyName, latest.id, code, andThen);
    },

    /**
     * Checks a code; returns the subject it proves. Wrong codes are counted even though the call
     * fails. `andThen` runs in the same transaction as the code's consumption: when it throws (the
     * move the code was for is refused), the code is not spent.
     */
    async verify<T = undefined>(app: CompiledApp, policyName: string, otpId: unknown, code: unknown, andThen?: (tx: Prisma.TransactionClient, subject: string) => Promise<T>): Promise<{ subject: string; result: T }> {
      const policy = policyOf(app, policyName);
      if (typeof otpId !== 'string' || !UUID_RE.test(otpId) || typeof code !== 'string' || !new RegExp(`^[0-9]{${policy.digits}}$`).test(code)) {
        throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: typeof otpId === 'string' && UUID_RE.test(otpId) ? '$.code' : '$.otpId', message: `Give the otpId you were sent and the ${policy.digits}-digit code` }] });
      }
      const first = await ctx.db.otpChallenge.findUnique({ where: { id: otpId } });
      if (!first || first.app !== app.id || first.policy !== policy.name) throw new AppError('OTP_INVALID');
      const now = ctx.clock();
      const outcome = await ctx.db.$transaction(async (tx) => {
        await lockSubject(tx, app.id, policy.name, first.subject);
        await assertNotLocked(tx, app.id, policy.name, first.subject, now);
        const c = (await tx.otpChallenge.findUnique({ where: { id: otpId } }))!;
        if (c.maxAttempts !== null && c.attempts >= c.maxAttempts) throw new AppError('LOCKED', 'This code is locked after too many wrong attempts; ask for a new one');
        if (c.consumedAt) throw new AppError('OTP_USED');
        if (c.expiresAt <= now) throw new AppError('OTP_EXPIRED');
        const expected = Buffer.from(c.codeHash, 'hex');
        const given = Buffer.from(hash(c.id, code), 'hex');
        if (expected.length === given.length && timingSafeEqual(expected, given)) {
          await tx.otpChallenge.update({ where: { id: c.id }, data: { consumedAt: now } });
          return { ok: true as const, subject: c.subject, result: (andThen ? await andThen(tx, c.subject) : undefined) as T };
        }
        await tx.otpChallenge.update({ where: { id: c.id }, data: { attempts: { increment: 1 } } });
        let locked = false;
        if (policy.lockout) {
          await tx.otpFailure.create({ data: { app: app.id, policy: policy.name, subject: c.subject, at: now } });
          const since = new Date(now.getTime() - minutes(policy.lockout.withinMinutes));
          const failures = await tx.otpFailure.count({ where: { app: app.id, policy: policy.name, subject: c.subject, at: { gt: since } } });
          if (failures >= policy.lockout.failures) {
            const lockedUntil = new Date(now.getTime() + minutes(policy.lockout.forMinutes));
            await tx.otpLockout.upsert({ where: { app_policy_subject: { app: app.id, policy: policy.name, subject: c.subject } }, create: { app: app.id, policy: policy.name, subject: c.subject, lockedUntil }, update: { lockedUntil } });
            locked = true;
          }
        }
        const attemptsLeft = c.maxAttempts === null ? undefined : Math.max(0, c.maxAttempts - c.attempts - 1);
        return { ok: false as const, locked, attemptsLeft };
      });
      // The failure is committed before the caller hears about it: a wrong guess always counts.
      if (!outcome.ok) ctx.metrics.otp(app.id, policy.name, outcome.locked ? 'locked' : 'failed');
      if (!outcome.ok) throw new AppError('OTP_INVALID', undefined, { data: { attemptsLeft: outcome.attemptsLeft, locked: outcome.locked || undefined } });
      return { subject: outcome.subject, result: outcome.result };
    },
  };
}

export type OtpService = ReturnType<typeof createOtpService>;
