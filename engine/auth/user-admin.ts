// Users as data: in every app, a role with `operations: { users: true }` lists, creates, updates and
// deactivates users (role, email, phone, display name, scope attributes, password). A deactivated
// user cannot sign in, and every refresh token they hold is revoked in the same transaction (so are
// they on a new password, role or scope), so no session outlives the decision beyond its access
// token. Users of privileged roles (managing users or definitions) are the install operator's.
// Every change is audited (entity `_users`), without the password.
import type { Actor } from './actor.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import { resolveApp } from '../registry/resolve-target.ts';
import type { Prisma } from '../store/database.ts';
import { isUniqueViolation } from '../support/database-errors.ts';
import { UUID_RE } from '../support/uuid.ts';
import { bodyValidator } from '../support/validate-body.ts';
import { hashPassword } from './passwords.ts';
import { revokeUserSessions } from './revoke-sessions.ts';
import { userView, type UserRow } from './user-view.ts';
import { isPrivilegedRole } from './privileged-role.ts';

const ATTRIBUTES = {
  type: 'object',
  maxProperties: 20,
  propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$' },
  additionalProperties: { oneOf: [{ type: 'string', maxLength: 200 }, { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 200 } }] },
  description: 'Scope values the role\'s scopes read, e.g. { "storeId": "S001" }',
} as const;
const FIELDS = {
  email: { type: 'string', format: 'email', maxLength: 200 },
  phone: { type: 'string', format: 'phone' },
  role: { type: 'string', minLength: 1, maxLength: 100 },
  displayName: { type: 'string', minLength: 1, maxLength: 200 },
  password: { type: 'string', minLength: 8, maxLength: 200, description: 'Stored as a bcrypt hash, never answered' },
  attributes: ATTRIBUTES,
} as const;
export const CREATE_USER_SCHEMA = { type: 'object', additionalProperties: false, required: ['role'], properties: FIELDS } as const;
export const UPDATE_USER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { ...FIELDS, email: { type: ['string', 'null'], format: 'email', maxLength: 200 }, phone: { type: ['string', 'null'], format: 'phone' }, active: { type: 'boolean', description: 'false deactivates (as POST .../deactivate), true reactivates' } },
} as const;

interface UserFields {
  email?: string | null;
  phone?: string | null;
  role?: string;
  displayName?: string;
  password?: string;
  attributes?: Record<string, string | string[]>;
  active?: boolean;
}
const validateCreate = bodyValidator<UserFields & { role: string }>(CREATE_USER_SCHEMA);
const validateUpdate = bodyValidator<UserFields>(UPDATE_USER_SCHEMA);

const audited = (u: ReturnType<typeof userView>) => ({ email: u.email, phone: u.phone, role: u.role, displayName: u.displayName, attributes: u.attributes, active: u.active, status: u.status });

function assertRoleMayManageUsers(app: CompiledApp, actor: Actor): void {
  if (app.roles[actor.role]?.operations?.users !== true) throw new AppError('FORBIDDEN', `Role "${actor.role}" may not manage the users of "${app.id}"`);
}

/** A role that manages users or definitions. */
const isPrivileged = (app: CompiledApp, role: string) => isPrivilegedRole(app.roles[role]);

function assertRole(app: CompiledApp, role: string | undefined): void {
  if (role !== undefined && (!Object.hasOwn(app.roles, role) || app.roles[role]!.public)) {
    throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.role', message: `One of the roles of "${app.id}": ${Object.keys(app.roles).filter((r) => !app.roles[r]!.public).join(', ')}` }] });
  }
}

/** A taken email or phone, named; the unique indexes stay the arbiter under concurrency (`raced`). */
async function assertContactsFree(db: EngineContext['db'], app: string, fields: UserFields, self?: string): Promise<void> {
  for (const which of ['email', 'phone'] as const) {
    const value = which === 'email' ? fields.email?.toLowerCase() : fields.phone;
    if (!value) continue;
    const other = await db.user.findFirst({ where: { app, [which]: value, ...(self ? { NOT: { id: self } } : {}) }, select: { id: true } });
    if (other) throw new AppError('DUPLICATE', `Another user of this app has this ${which}`, { details: [{ path: `$.${which}`, message: 'Already taken in this app' }] });
  }
}
const raced = () => new AppError('DUPLICATE', 'Another user of this app has this email or phone', { details: [{ path: '$', message: 'Taken in this app meanwhile' }] });

/**
 * `operator`: the install's operator (npm run users), who holds the database and so every right;
 * the API's callers need `operations: { users: true }`.
 */
/** `ctx.denylist`: this process's check of ended sessions, told after a commit that ended some (the CLI has none: servers read the row within seconds). */
export function createUserAdmin(ctx: Pick<EngineContext, 'db' | 'registry' | 'clock'> & Partial<Pick<EngineContext, 'denylist'>>, options: { operator?: boolean } = {}) {
  const { db } = ctx;
  const assertMayManageUsers = (app: CompiledApp, actor: Actor) => {
    if (!options.operator) assertRoleMayManageUsers(app, actor);
  };
  /**
   * What a user admin may not do through the API, so the right cannot grow itself: give or touch a
   * privileged role (one that manages users or definitions — a second approver account would defeat
   * maker-checker), nor change their own role or scope. The install's operator may (npm run users).
   */
  const assertWithinReach = (app: CompiledApp, actor: Actor, fields: UserFields, current?: { id: string; role: string }) => {
    if (options.operator) return;
    if (current && current.id === actor.id && (fields.role !== undefined || fields.attributes !== undefined)) {
      throw new AppError('FORBIDDEN', 'You cannot change your own role or scope: another user admin does');
    }
    for (const role of [fields.role, current?.role]) {
      if (role !== undefined && isPrivileged(app, role)) throw new AppError('FORBIDDEN', `Users of role "${role}" manage users or definitions: they are added and changed by the install's operator (npm run users)`);
    }
  };
  async function find(app: CompiledApp, id: string): Promise<UserRow> {
    const u = UUID_RE.test(id) ? await db.user.findFirst({ where: { id, app: app.id } }) : null;
    if (!u) throw new AppError('NOT_FOUND', `No user "${id}" in "${app.id}"`);
    return u;
  }
  const audit = (tx: Pick<Prisma.TransactionClient, 'auditEntry'>, app: string, actor: Actor, action: string, id: string, before: unknown, after: unknown) =>
    appendAudit(tx, { app, entity: '_users', recordId: id, action, actor, before, after, at: ctx.clock() });

  /** Changes one user (and revokes their sessions when deactivated), audited, in one transaction. */
  async function change(app: CompiledApp, actor: Actor, id: string, fields: UserFields, action: string) {
    assertRole(app, fields.role);
    if (fields.active === false && id === actor.id) throw new AppError('CONFLICT', 'You cannot deactivate yourself');
    const before = await find(app, id);
    // A registration becomes an account by a decision (POST .../registrations/{id}/approve or reject), never by a toggle.
    if (fields.active !== undefined && (before.status === 'pending' || before.status === 'rejected')) {
      throw new AppError('CONFLICT', `This user is a ${before.status} registration: approve or reject it (POST .../registrations/${id}/approve | reject)`);
    }
    assertWithinReach(app, actor, fields, before);
    await assertContactsFree(db, app.id, fields, id);
    const { password, ...rest } = fields;
    const data = { ...rest, ...(rest.active !== undefined ? { status: rest.active ? 'active' : 'deactivated' } : {}), ...(rest.email ? { email: rest.email.toLowerCase() } : {}), ...(rest.attributes ? { attributes: rest.attributes as Prisma.InputJsonValue } : {}), ...(password ? { passwordHash: await hashPassword(password) } : {}) };
    try {
      const changed = await db.$transaction(async (tx) => {
        const after = await tx.user.update({ where: { id }, data });
        // Sessions end when the account is deactivated, and when what they were granted on changes
        // (a new password after a compromise, another role, another scope).
        if ((before.active && !after.active) || password || rest.role !== undefined || rest.attributes !== undefined) {
          const now = ctx.clock();
          await tx.refreshToken.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: now } });
          // Their access tokens too, password sign-ins included (these have no refresh family).
          await revokeUserSessions(tx, id, now);
        }
        await audit(tx, app.id, actor, action, id, audited(userView(before)), { ...audited(userView(after)), ...(password ? { passwordChanged: true } : {}) });
        return userView(after);
      });
      ctx.denylist?.reread();
      return changed;
    } catch (err) {
      if (isUniqueViolation(err)) throw raced();
      throw err;
    }
  }

  return {
    async list(appId: string, actor: Actor, query: Record<string, unknown>) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      const role = typeof query.role === 'string' ? query.role : undefined;
      const active = query.active === 'true' ? true : query.active === 'false' ? false : undefined;
      if (query.active !== undefined && active === undefined) throw new AppError('BAD_REQUEST', undefined, { details: [{ path: '$.query.active', message: 'true or false' }] });
      const rows = await db.user.findMany({ where: { app: app.id, ...(role ? { role } : {}), ...(active !== undefined ? { active } : {}) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 500 });
      return rows.map(userView);
    },
    async get(appId: string, actor: Actor, id: string) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      return userView(await find(app, id));
    },
    async create(appId: string, actor: Actor, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      const fields = validateCreate(body ?? {});
      assertRole(app, fields.role);
      assertWithinReach(app, actor, fields);
      if (!fields.email && !fields.phone) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$', message: 'An email or a phone, to sign in with' }] });
      await assertContactsFree(db, app.id, fields);
      try {
        return await db.$transaction(async (tx) => {
          const u = await tx.user.create({
            data: {
              app: app.id,
              email: fields.email?.toLowerCase() ?? null,
              phone: fields.phone ?? null,
              role: fields.role,
              displayName: fields.displayName ?? null,
              attributes: (fields.attributes ?? {}) as Prisma.InputJsonValue,
              passwordHash: fields.password ? await hashPassword(fields.password) : null,
            },
          });
          await audit(tx, app.id, actor, 'users.create', u.id, null, audited(userView(u)));
          return userView(u);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw raced();
        throw err;
      }
    },
    async update(appId: string, actor: Actor, id: string, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      return change(app, actor, id, validateUpdate(body ?? {}), 'users.update');
    },
    async deactivate(appId: string, actor: Actor, id: string) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayManageUsers(app, actor);
      return change(app, actor, id, { active: false }, 'users.deactivate');
    },
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;
