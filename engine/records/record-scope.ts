// A role's scope on an entity's records, as values of one field (`storeId`): the actor's own values
// (their id, email, phone, or a profile attribute) and, when the scope says `orVia`, the values the
// data derives from them — the stores whose `parentStoreId` is one of the actor's stores. Derived
// values are read at request time, never copied into the records' scope tags: a new child store, or
// a store given another parent, changes what its parent's users see at once, and no write to a store
// has to rewrite the tags of every record that names it. The cost is one indexed read of the `via`
// entity's records per request (see README "Derived scopes").
import type { Actor } from '../auth/actor.ts';
import { actorScopeValues } from '../auth/permissions.ts';
import { assertNoSessionList, assertSessionRecord } from '../auth/record-session.ts';
import { AppError } from '../errors/app-error.ts';
import type { EntityPermission, ScopeRule } from '../registry/definition-types.ts';
import type { RecordRow } from './record-row.ts';
import type { Queryable } from './record-store.ts';

/** Every value of the scope's field the actor may reach: their own, then those derived through `orVia`. */
export async function scopeValues(sql: Queryable, app: string, actor: Actor, scope: ScopeRule): Promise<string[]> {
  const own = actorScopeValues(actor, scope);
  const via = scope.orVia;
  if (!via || !own.length) return own;
  const { rows } = await sql.query<{ v: string }>(
    `SELECT DISTINCT data ->> $4 AS v FROM records
      WHERE app = $1 AND entity = $2 AND deleted_at IS NULL AND data ->> $3 = ANY($5::text[]) AND data ->> $4 IS NOT NULL`,
    [app, via.entity, via.field, via.key ?? scope.field, own],
  );
  return [...new Set([...own, ...rows.map((r) => r.v)])];
}

/** The actor's values for a permission's scope; undefined when the permission is unscoped. */
export async function permittedScopeValues(sql: Queryable, app: string, actor: Actor, permission: EntityPermission): Promise<string[] | undefined> {
  return permission.scope ? scopeValues(sql, app, actor, permission.scope) : undefined;
}

/** The tags a record may carry for a scoped actor to see it (any one suffices); undefined when unscoped. */
export async function visibleScopeTags(sql: Queryable, app: string, actor: Actor, permission: EntityPermission): Promise<string[] | undefined> {
  assertNoSessionList(permission);
  const values = await permittedScopeValues(sql, app, actor, permission);
  // An actor without the attribute matches nothing rather than everything.
  return values?.map((v) => `${permission.scope!.field}:${v}`);
}

/** Whether a record carries one of the tags (undefined tags: unscoped, every record). */
export const carriesScope = (tags: readonly string[] | undefined, row: Pick<RecordRow, 'scopeTags'>) => tags === undefined || tags.some((t) => row.scopeTags.includes(t));

/** Why an out-of-scope refusal happened, for those who log attempts (the client is told only "not found"). */
export const OUT_OF_SCOPE = Symbol('out of scope');

/** A record outside the actor's scope is answered as one that does not exist: a 404 tells no one it is there. */
export const outOfScope = (row: Pick<RecordRow, 'entity' | 'id'>) => new AppError('RECORD_NOT_FOUND', `No ${row.entity} with id "${row.id}"`, { cause: OUT_OF_SCOPE });

/** Whether an error is a refusal of a record that exists outside the caller's scope. */
export const isOutOfScope = (err: unknown) => err instanceof AppError && err.cause === OUT_OF_SCOPE;

/**
 * 404 when a scoped actor reaches for a record outside their scope, as for one that does not exist;
 * 403 when a record session reaches for another record than its own.
 */
export async function assertInScope(sql: Queryable, app: string, actor: Actor, permission: EntityPermission, row: RecordRow): Promise<void> {
  assertSessionRecord(actor, permission, row);
  if (permission.session) return; // a session opens its one record; a session never has a scope too (checked at load)
  if (!carriesScope(await visibleScopeTags(sql, app, actor, permission), row)) throw outOfScope(row);
}
