import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { EntityPermission, ScopeRule } from '../registry/definition-types.ts';
import type { Actor } from './actor.ts';

export type EntityAction = 'read' | 'create' | 'update' | 'delete' | 'transition';

/** Throws 403 unless the actor's role grants `action` on the entity; returns the permission. */
export function requirePermission(app: CompiledApp, actor: Actor, entity: string, action: EntityAction): EntityPermission {
  const permission = app.roles[actor.role]?.permissions?.[entity];
  if (!permission?.[action]) {
    throw new AppError('FORBIDDEN', `Role "${actor.role}" may not ${action} ${entity} records`);
  }
  return permission;
}

/** The actor's value for a scope rule (their id, email or phone). */
export function actorScopeValue(actor: Actor, scope: ScopeRule): string | undefined {
  return actor[scope.actor];
}

/** The tag a record must carry for a scoped actor to see it, or undefined when unscoped. */
export function requiredScopeTag(actor: Actor, permission: EntityPermission): string | undefined {
  if (!permission.scope) return undefined;
  // An actor without the attribute (e.g. no email) matches nothing rather than everything.
  return `${permission.scope.field}:${actorScopeValue(actor, permission.scope) ?? '\u0000none'}`;
}
