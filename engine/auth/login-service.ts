import { randomUUID } from 'node:crypto';
import type { Database } from '../store/database.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import { bodyValidator } from '../support/validate-body.ts';
import type { AccessTokens } from './access-tokens.ts';
import { verifyPassword } from './passwords.ts';
import type { Actor } from './actor.ts';

export interface LoginBody {
  email: string;
  password: string;
}

export const LOGIN_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    password: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const validateLogin = bodyValidator<LoginBody>(LOGIN_BODY_SCHEMA);

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; email: string | null; role: string; displayName: string | null };
}

/** The actor a user signs in as: identity, role, and the scope attributes of their profile. */
export function actorOf(app: string, user: { id: string; role: string; email: string | null; phone: string | null; attributes: unknown }): Actor {
  return { id: user.id, app, role: user.role, email: user.email ?? undefined, phone: user.phone ?? undefined, attributes: (user.attributes ?? {}) as Actor['attributes'] };
}

/** Email + password login (seed 001 §4.1). OTP login and refresh tokens build on the same token service. */
export async function login(db: Database, tokens: AccessTokens, app: CompiledApp, body: unknown): Promise<LoginResult> {
  if (!app.passwordLogin) throw new AppError('NOT_FOUND', 'Password login is not enabled for this app');
  const { email, password } = validateLogin(body);
  const user = await db.user.findUnique({ where: { app_email: { app: app.id, email: email.toLowerCase() } } });
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user || !ok || !user.active || !(user.role in app.roles)) throw new AppError('INVALID_CREDENTIALS');
  // A session of its own (no refresh family here): the user's sessions ending ends it too.
  const { accessToken, expiresIn } = await tokens.issue(actorOf(app.id, user), app.accessTokenMinutes, randomUUID());
  return { accessToken, tokenType: 'Bearer', expiresIn, user: { id: user.id, email: user.email, role: user.role, displayName: user.displayName } };
}
