// Self-registration with approval, for an app that declares `registration` (app.yaml): anyone may
// ask for an account of a registrable role (never a privileged one: checked at load), proving their
// phone with the app's OTP policy when it names one; the account is created *pending* and cannot
// sign in (sign-in answers as for wrong credentials) until a role of `approval.by` approves it —
// then it is active, and the registrant is told by SMS or email through the outbox when a template
// is declared — or rejects it with a reason. Every step is audited (entity `_users`).
//
// The user's state is a column (pending -> active | rejected; active <-> deactivated), not a
// workflow definition: the workflow machinery moves entity records (versions, timeline rows, scope
// tags, releases records follow), while users live in their own table with unique contacts and
// sessions; and these states are the engine's, not the app's — sign-in depends on them, so an app
// may not add or rename one.
//
// Nothing here tells who has an account: a registration whose email or phone is taken is answered
// exactly as a new one (202, pending) and stores nothing but an audit entry. What a registrant can
// send is bounded: codes per phone by the OTP policy's resend limit and lockout, and codes and
// pending registrations per app by `registration.perHour`.
import type { ValidateFunction } from 'ajv';
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { OutboxRow } from '../notify/outbox-row.ts';
import { outboxInsertData } from '../notify/outbox-store.ts';
import type { OtpService } from '../otp/otp-service.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { RegistrationDef } from '../registry/definition-types.ts';
import { resolveApp } from '../registry/resolve-target.ts';
import type { Prisma } from '../store/database.ts';
import { isUniqueViolation } from '../support/database-errors.ts';
import { UUID_RE } from '../support/uuid.ts';
import { assertValid, bodyValidator, compileSchema } from '../support/validate-body.ts';
import type { Actor } from './actor.ts';
import { hashPassword } from './passwords.ts';
import { userView, type UserRow } from './user-view.ts';

/** Codes and pending registrations an app takes per hour when it does not say. */
export const DEFAULT_REGISTRATIONS_PER_HOUR = 100;

export const REGISTRATION_OTP_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['phone'],
  properties: { phone: { type: 'string', format: 'phone' } },
} as const;

export const REGISTRATION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['role', 'displayName'],
  properties: {
    role: { type: 'string', minLength: 1, maxLength: 100, description: 'One of the roles the app lets people register for' },
    displayName: { type: 'string', minLength: 1, maxLength: 200 },
    phone: { type: 'string', format: 'phone', description: 'Required when the app proves phones with a code' },
    email: { type: 'string', format: 'email', maxLength: 200 },
    password: { type: 'string', minLength: 8, maxLength: 200, description: 'Stored as a bcrypt hash, never answered' },
    attributes: { type: 'object', description: 'The profile fields the app asks (registration.fields)' },
    otpId: { type: 'string', format: 'uuid', description: 'The code sent by POST .../registrations/otp' },
    code: { type: 'string', pattern: '^[0-9]{4,10}$' },
  },
} as const;

export const APPROVE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: { remarks: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;

export const REJECT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500, description: 'Kept with the user and in the audit log' } },
} as const;

interface RegistrationBody {
  role: string;
  displayName: string;
  phone?: string;
  email?: string;
  password?: string;
  attributes?: Record<string, string>;
  otpId?: string;
  code?: string;
}

const validateOtpRequest = bodyValidator<{ phone: string }>(REGISTRATION_OTP_SCHEMA);
const validateRegistration = bodyValidator<RegistrationBody>(REGISTRATION_SCHEMA);
const validateApprove = bodyValidator<{ remarks?: string }>(APPROVE_SCHEMA);
const validateReject = bodyValidator<{ reason: string }>(REJECT_SCHEMA);

/** What an approval message may read (checked at load against the template). */
export const REGISTRATION_MESSAGE_VARIABLES = ['user.displayName', 'user.role', 'user.roleLabel', 'user.phone', 'user.email', 'app.id', 'app.name'] as const;

export const registrationSubject = (phone: string) => `registration:${phone}`;

const ANNOTATIONS = new Set(['label', 'errorCode', 'immutable', 'editableIn']);

// The asked fields' validators, one per registration definition (a release's definitions are frozen).
const fieldValidators = new WeakMap<RegistrationDef, ValidateFunction>();
function fieldsValidator(reg: RegistrationDef): ValidateFunction {
  let v = fieldValidators.get(reg);
  if (!v) {
    // Labels and other annotations are for forms, not for validation.
    const properties = Object.fromEntries(Object.entries(reg.fields ?? {}).map(([name, f]) => [name, Object.fromEntries(Object.entries(f).filter(([k]) => !ANNOTATIONS.has(k)))]));
    fieldValidators.set(reg, (v = compileSchema({ type: 'object', additionalProperties: false, properties, required: reg.required ?? [] })));
  }
  return v;
}

function registrationOf(app: CompiledApp): RegistrationDef {
  const reg = app.definition.registration;
  if (!reg) throw new AppError('NOT_FOUND', `App "${app.id}" does not take registrations`);
  return reg;
}

export function createUserRegistration(ctx: Pick<EngineContext, 'db' | 'registry' | 'clock' | 'outboxWritten'>, otp: OtpService) {
  const { db } = ctx;

  /**
   * Serialises an app's registrations and codes, then refuses past the hourly cap: a flood costs
   * the flooder 429s, never the app's SMS budget.
   */
  async function assertUnderHourlyCap(tx: Prisma.TransactionClient, app: CompiledApp, reg: RegistrationDef, what: 'codes' | 'registrations', now: Date) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`registration:${app.id}:${what}`}, 0))`;
    const since = new Date(now.getTime() - 3_600_000);
    const cap = reg.perHour ?? DEFAULT_REGISTRATIONS_PER_HOUR;
    const n =
      what === 'codes'
        ? await tx.otpChallenge.count({ where: { app: app.id, policy: reg.otp!, subject: { startsWith: 'registration:' }, createdAt: { gt: since } } })
        : await tx.user.count({ where: { app: app.id, status: 'pending', createdAt: { gt: since } } });
    if (n >= cap) throw new AppError('RATE_LIMITED', `This app takes at most ${cap} registration ${what} an hour; try again later`, { data: { retryAfterSeconds: 3600 } });
  }

  function assertApprover(app: CompiledApp, actor: Actor): RegistrationDef {
    const reg = registrationOf(app);
    if (!reg.approval.by.includes(actor.role)) throw new AppError('FORBIDDEN', `Role "${actor.role}" may not decide registrations in "${app.id}"`);
    return reg;
  }

  async function findRegistration(app: CompiledApp, id: string): Promise<UserRow> {
    const u = UUID_RE.test(id) ? await db.user.findFirst({ where: { id, app: app.id } }) : null;
    if (!u || (u.status !== 'pending' && u.status !== 'rejected' && !(await wasRegistered(app.id, id)))) throw new AppError('NOT_FOUND', `No registration "${id}" in "${app.id}"`);
    return u;
  }
  const wasRegistered = async (app: string, id: string) => (await db.auditEntry.count({ where: { app, recordId: id, action: 'registration.create' } })) > 0;

  /** pending -> active | rejected, once: a second decision (or a race with one) is a 409. */
  async function decide(app: CompiledApp, actor: Actor, id: string, to: 'active' | 'rejected', detail: Record<string, unknown>, reason?: string) {
    const reg = assertApprover(app, actor);
    const before = await findRegistration(app, id);
    if (before.status !== 'pending') throw new AppError('CONFLICT', `This registration was already ${before.status === 'rejected' ? 'rejected' : 'approved'}`);
    // The definitions may have changed since the registration: the role must still be registrable.
    if (to === 'active' && (!reg.roles.includes(before.role) || !(before.role in app.roles))) {
      throw new AppError('CONFLICT', `Role "${before.role}" can no longer be registered for in "${app.id}"; reject the registration`);
    }
    const now = ctx.clock();
    const messages: OutboxRow[] = [];
    const template = to === 'active' && reg.approval.notify ? app.templates.get(reg.approval.notify) : undefined;
    const after = await db.$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({ where: { id, status: 'pending' }, data: { status: to, active: to === 'active', statusReason: reason ?? null } });
      if (!count) throw new AppError('CONFLICT', 'This registration was decided meanwhile');
      const u = (await tx.user.findUnique({ where: { id } }))!;
      await appendAudit(tx, { app: app.id, entity: '_users', recordId: id, action: to === 'active' ? 'registration.approve' : 'registration.reject', actor, before: { status: before.status }, after: { status: u.status, role: u.role, ...(reason ? { reason } : {}) }, detail, at: now });
      const to_ = template ? (template.channel === 'sms' ? u.phone : u.email) : null;
      if (template && to_) {
        const out = template.render({
          user: { displayName: u.displayName ?? '', role: u.role, roleLabel: app.roles[u.role]?.label ?? u.role, phone: u.phone ?? '', email: u.email ?? '' },
          app: { id: app.id, name: app.name },
        });
        messages.push({
          app: app.id,
          channel: template.channel,
          recordId: null,
          template: template.name,
          recipient: to_,
          payload: template.channel === 'sms' ? { to: to_, body: out.text } : { to: to_, subject: out.subject, text: out.text, html: out.html },
          idempotencyKey: `${app.id}:registration:${id}:approved:${template.channel}`,
        });
        await tx.outboxMessage.createMany({ data: outboxInsertData(messages, now) });
      }
      return u;
    });
    if (messages.length) ctx.outboxWritten();
    return userView(after);
  }

  return {
    /** A code to the phone a registrant gives, under its own subject (it can never sign anyone in). */
    async requestCode(appId: string, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const reg = registrationOf(app);
      if (!reg.otp) throw new AppError('NOT_FOUND', `Registrations to "${app.id}" do not prove a phone with a code`);
      const { phone } = validateOtpRequest(body ?? {});
      const now = ctx.clock();
      // Sent whether or not the phone has an account: the answer tells nobody who has one.
      const issued = await db.$transaction(async (tx) => {
        await assertUnderHourlyCap(tx, app, reg, 'codes', now);
        return otp.issueIn(tx, app, reg.otp!, registrationSubject(phone), { sms: phone });
      });
      ctx.outboxWritten();
      return issued;
    },

    /** A pending user, or — for a taken email or phone — the same answer and only an audit entry. */
    async register(appId: string, body: unknown): Promise<{ status: 'pending' }> {
      const app = resolveApp(ctx.registry(), appId);
      const reg = registrationOf(app);
      const fields = validateRegistration(body ?? {});
      if (!reg.roles.includes(fields.role)) {
        throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.role', message: `One of the roles you may register for: ${reg.roles.join(', ')}` }] });
      }
      assertValid(fieldsValidator(reg), fields.attributes ?? {}, '$.attributes');
      if (reg.otp) {
        const missing = (['phone', 'otpId', 'code'] as const).filter((k) => fields[k] === undefined);
        if (missing.length) throw new AppError('VALIDATION_FAILED', undefined, { details: missing.map((k) => ({ path: `$.${k}`, message: k === 'phone' ? 'The phone the code was sent to' : 'The code sent to your phone (POST .../registrations/otp) proves it' })) });
      } else if (!fields.email && !fields.phone) {
        throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$', message: 'An email or a phone, to sign in with' }] });
      }
      const passwordHash = fields.password ? await hashPassword(fields.password) : null;
      const email = fields.email?.toLowerCase() ?? null;
      const phone = fields.phone ?? null;
      const now = ctx.clock();
      const id = randomUUID();
      const registrant = { id, app: app.id, role: 'registrant' };

      const createPending = async (tx: Prisma.TransactionClient) => {
        await assertUnderHourlyCap(tx, app, reg, 'registrations', now);
        const taken = await tx.user.findFirst({ where: { app: app.id, OR: [...(email ? [{ email }] : []), ...(phone ? [{ phone }] : [])] }, select: { id: true } });
        if (taken) {
          // The registrant hears what a new registration hears; the operator sees the attempt.
          await appendAudit(tx, { app: app.id, entity: '_users', recordId: taken.id, action: 'registration.create', outcome: 'refused', actor: registrant, detail: { role: fields.role, reason: 'email or phone taken' }, at: now });
          return;
        }
        const u = await tx.user.create({
          data: { id, app: app.id, email, phone, role: fields.role, displayName: fields.displayName, attributes: (fields.attributes ?? {}) as Prisma.InputJsonValue, passwordHash, active: false, status: 'pending', createdAt: now },
        });
        const view = userView(u);
        await appendAudit(tx, { app: app.id, entity: '_users', recordId: id, action: 'registration.create', actor: registrant, after: { email: view.email, phone: view.phone, role: view.role, displayName: view.displayName, attributes: view.attributes, status: view.status, proven: reg.otp ? 'phone' : null }, at: now });
      };
      try {
        if (reg.otp) {
          // The code is spent only if the registration is stored (a refused one leaves it unspent).
          await otp.verify(app, reg.otp, fields.otpId, fields.code, async (tx, subject) => {
            if (subject !== registrationSubject(phone!)) throw new AppError('OTP_INVALID', 'The code was sent to another phone');
            await createPending(tx);
          });
        } else {
          await db.$transaction(createPending);
        }
      } catch (err) {
        // A registration of the same contact that won a race: the same answer as any taken contact.
        if (!isUniqueViolation(err)) throw err;
      }
      return { status: 'pending' };
    },

    /** Registrations awaiting a decision (or the rejected ones), oldest first. */
    async list(appId: string, actor: Actor, query: Record<string, unknown>) {
      const app = resolveApp(ctx.registry(), appId);
      assertApprover(app, actor);
      const status = query.status ?? 'pending';
      if (status !== 'pending' && status !== 'rejected') throw new AppError('BAD_REQUEST', undefined, { details: [{ path: '$.query.status', message: 'pending or rejected' }] });
      const rows = await db.user.findMany({ where: { app: app.id, status }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 500 });
      return rows.map(userView);
    },

    async approve(appId: string, actor: Actor, id: string, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const { remarks } = validateApprove(body ?? {});
      return decide(app, actor, id, 'active', remarks ? { remarks } : {});
    },

    async reject(appId: string, actor: Actor, id: string, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const { reason } = validateReject(body ?? {});
      return decide(app, actor, id, 'rejected', {}, reason);
    },
  };
}

export type UserRegistration = ReturnType<typeof createUserRegistration>;
