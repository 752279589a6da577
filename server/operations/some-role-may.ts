import type { CompiledApp, CompiledEntity } from '../../engine/index.ts';

type Action = 'read' | 'create' | 'update' | 'delete' | 'transition';

/** Whether any role of the app may do this to the entity: an operation nobody may call is not described. */
export function someRoleMay(app: CompiledApp, entity: CompiledEntity | undefined, action: Action): boolean {
  if (!entity) return false;
  return Object.values(app.roles).some((role) => Boolean(role.permissions?.[entity.name]?.[action]));
}
