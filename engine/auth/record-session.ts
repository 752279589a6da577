// A record session: a public role's key to the one record it created. An eKYC applicant is not a
// user and has no password; without a session, whoever learnt a lead's id could submit a PAN for it.
// A public role whose permission on an entity says `session: { minutes }` gets, with each record it
// creates, a signed token naming that record (audience `<app>:session`, never accepted where a
// user's access token is); every other call of that role on the entity must carry it: 401 without,
// 403 with another record's, and a list is refused (the session opens one record). Each call made
// with it answers a fresh one, so an applicant who keeps going never runs out of time (the seed's
// session-refresh middleware). Enforced here and in record-scope.ts, so every route — the seed's,
// the generic ones, files — asks the same.
//
// A token also names its record's session epoch: a session regained by a code
// (records/resume-record-session.ts) moves the epoch on, which ends every token issued before it —
// the one who proved the number again is the only one the record is open to.
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { EntityPermission } from '../registry/definition-types.ts';
import type { AccessTokens } from './access-tokens.ts';
import type { Actor } from './actor.ts';
import { UUID_RE } from '../support/uuid.ts';

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

/** A token for the record's sessions of `epoch` (0 until a session of it was first regained). */
export async function issueRecordSession(tokens: AccessTokens, app: CompiledApp, entity: string, record: string, minutes: number, epoch = 0): Promise<RecordSessionToken> {
  const seconds = minutes * 60;
  const { token } = await tokens.issueFor(app.id, PURPOSE, record, epoch ? { entity, epoch } : { entity }, seconds);
  return { token, expiresIn: seconds };
}

/** The epoch of a record's sessions now. */
export async function sessionEpochOf(db: EngineContext['db'], record: string): Promise<number> {
  const { rows } = await db.sql.query<{ epoch: number }>({ name: 'rulepath-session-epoch', text: 'SELECT epoch FROM record_session_epochs WHERE record_id = $1::uuid', values: [record] });
  return rows[0]?.epoch ?? 0;
}

/** The public caller a record session token speaks for; 401 when it is not one, expired, ended by a newer session, or no longer opens anything. */
export async function verifyRecordSession(tokens: AccessTokens, db: EngineContext['db'], app: CompiledApp, token: string): Promise<Actor> {
  const claims = await tokens.verifyFor(token, app.id, PURPOSE, { expired: 'The session has expired', invalid: 'The session token is not valid' });
  const role = publicRoleOf(app);
  const entity = claims.entity;
  const epoch = claims.epoch ?? 0;
  if (!role || typeof entity !== 'string' || typeof claims.sub !== 'string' || !Number.isSafeInteger(epoch) || !app.roles[role]!.permissions?.[entity]?.session) {
    throw new AppError('UNAUTHENTICATED', 'The session token is not valid');
  }
  // A subject that is no record id opens nothing, and is not looked up.
  if (!UUID_RE.test(claims.sub)) throw new AppError('UNAUTHENTICATED', 'The session token is not valid');
  if ((await sessionEpochOf(db, claims.sub)) !== epoch) throw new AppError('UNAUTHENTICATED', 'The session has ended: it was resumed with a new code since');
  return { id: `session:${claims.sub}`, app: app.id, role, session: { entity, record: claims.sub, epoch: epoch as number } };
}

/** The same session again, for the time its permission gives now (each call refreshes it). */
export async function refreshRecordSession(tokens: AccessTokens, app: CompiledApp, actor: Actor): Promise<RecordSessionToken | undefined> {
  const session = actor.session;
  const minutes = session && app.roles[actor.role]?.permissions?.[session.entity]?.session?.minutes;
  return session && minutes ? issueRecordSession(tokens, app, session.entity, session.record, minutes, session.epoch) : undefined;
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
