import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { EntityPermission, ScopeRule } from '../registry/definition-types.ts';
import type { Actor } from './actor.ts';
import { assertSessionFor } from './record-session.ts';
import { SYSTEM_ROLE } from './system-role.ts';

export type EntityAction = 'read' | 'create' | 'update' | 'delete' | 'transition';

/** Throws 403 unless the actor's role grants `action` on the entity; returns the permission. */
export function requirePermission(app: CompiledApp, actor: Actor, entity: string, action: EntityAction): EntityPermission {
  // The scheduler (jobs) reads and moves records; no app may declare its role, no token carries it.
  if (actor.role === SYSTEM_ROLE && actor.id === SYSTEM_ROLE && (action === 'read' || action === 'transition')) return { read: true, transition: true };
  const permission = app.roles[actor.role]?.permissions?.[entity];
  if (!permission?.[action]) {
    throw new AppError('FORBIDDEN', `Role "${actor.role}" may not ${action} ${entity} records`);
  }
  assertSessionFor(actor, entity, permission, action);
  return permission;
}

/** The scope the actor's role has on an entity's records (their stores), if any. */
export function scopeRuleOf(app: CompiledApp, actor: Actor, entity: string): ScopeRule | undefined {
  return app.roles[actor.role]?.permissions?.[entity]?.scope;
}

/** The actor's values for a scope rule: their id, email or phone, or a profile attribute (one or a list). */
export function actorScopeValues(actor: Actor, scope: ScopeRule): string[] {
  if (scope.actor.startsWith('attributes.')) {
    const v = actor.attributes?.[scope.actor.slice('attributes.'.length)];
    return v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
  }
  const v = actor[scope.actor as 'id' | 'email' | 'phone'];
  return v ? [v] : [];
}
