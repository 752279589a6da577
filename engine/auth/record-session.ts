// A record session: a public role's key to the one record it created. An eKYC applicant is not a
// user and has no password; without a session, whoever learnt a lead's id could submit a PAN for it.
// A public role whose permission on an entity says `session: { minutes }` gets, with each record it
// creates, a signed token naming that record (audience `<app>:session`, never accepted where a
// user's access token is); every other call of that role on the entity must carry it: 401 without,
// 403 with another record's, and a list is refused (the session opens one record). Each call made
// with it answers a fresh one, so an applicant who keeps going never runs out of time (the seed's
// session-refresh middleware). Enforced here and in record-scope.ts, so every route — the seed's,
// the generic ones, files — asks the same.
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { EntityPermission } from '../registry/definition-types.ts';
import type { AccessTokens } from './access-tokens.ts';
import type { Actor } from './actor.ts';

const PURPOSE = 'session';

export interface RecordSessionToken {
  token: string;
  /** Seconds. */
  expiresIn: number;
}

/** The public role of an app, if it has one. */
export const publicRoleOf = (app: CompiledApp) => Object.entries(app.roles).find(([, r]) => r.public)?.[0];

/** Whether a bearer token is a record session of this app (to be verified, not trusted, by `verifyRecordSession`). */
export function isRecordSessionToken(token: string, appId: string): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown };
    return payload.aud === `${appId}:${PURPOSE}`;
  } catch {
    return false;
  }
}

export async function issueRecordSession(tokens: AccessTokens, app: CompiledApp, entity: string, record: string, minutes: number): Promise<RecordSessionToken> {
  const seconds = minutes * 60;
  const { token } = await tokens.issueFor(app.id, PURPOSE, record, { entity }, seconds);
  return { token, expiresIn: seconds };
}

/** The public caller a record session token speaks for; 401 when it is not one, expired, or no longer opens anything. */
export async function verifyRecordSession(tokens: AccessTokens, app: CompiledApp, token: string): Promise<Actor> {
  const claims = await tokens.verifyFor(token, app.id, PURPOSE, { expired: 'The session has expired', invalid: 'The session token is not valid' });
  const role = publicRoleOf(app);
  const entity = claims.entity;
  if (!role || typeof entity !== 'string' || typeof claims.sub !== 'string' || !app.roles[role]!.permissions?.[entity]?.session) {
    throw new AppError('UNAUTHENTICATED', 'The session token is not valid');
  }
  return { id: `session:${claims.sub}`, app: app.id, role, session: { entity, record: claims.sub } };
}

/** The same session again, for the time its permission gives now (each call refreshes it). */
export async function refreshRecordSession(tokens: AccessTokens, app: CompiledApp, actor: Actor): Promise<RecordSessionToken | undefined> {
  const session = actor.session;
  const minutes = session && app.roles[actor.role]?.permissions?.[session.entity]?.session?.minutes;
  return session && minutes ? issueRecordSession(tokens, app, session.entity, session.record, minutes) : undefined;
}

/**
 * A permission with a session: anything but a create needs the caller's session, for this entity
 * (401 without one; 403 with one of another entity). The record itself is checked by `assertSessionRecord`.
 */
export function assertSessionFor(actor: Actor, entity: string, permission: EntityPermission, action: string): void {
  if (!permission.session || action === 'create') return;
  if (!actor.session) throw new AppError('UNAUTHENTICATED', 'This step needs the session token the signup answered (X-Session-Token), as "Authorization: Bearer <token>"');
  if (actor.session.entity !== entity) throw new AppError('FORBIDDEN', `The session token does not open ${entity} records`);
}

/** 403 unless the record is the one the caller's session opens (when the permission has a session). */
export function assertSessionRecord(actor: Actor, permission: EntityPermission, row: { id: string }): void {
  if (permission.session && actor.session?.record !== row.id) throw new AppError('FORBIDDEN', 'The session token is for another record');
}

/** A list is never open to a record session: it opens one record, read by its id. */
export function assertNoSessionList(permission: EntityPermission): void {
  if (permission.session) throw new AppError('FORBIDDEN', 'A session opens its own record only: read it by its id');
}
