// Cross-checks of an import definition: its entity, key, columns, roles and template exist.
import type { AppDef, DefinitionProblem, EntityDef, ImportDef } from '../registry/definition-types.ts';

export function checkImport(file: string, def: ImportDef, app: AppDef, entities: ReadonlyMap<string, EntityDef>, templates: ReadonlyMap<string, { channel: string }>): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  def.roles.forEach((r, i) => r in app.roles || add(`$.roles[${i}]`, `Role "${r}" is not declared by the app`));
  if (def.notify) {
    const t = templates.get(def.notify.template);
    if (!t) add('$.notify.template', `Template "${def.notify.template}" is not defined in this app`);
    else if (t.channel !== 'email') add('$.notify.template', 'The completion message is an email template');
  }
  const entity = entities.get(def.entity);
  if (!entity) {
    add('$.entity', `Entity "${def.entity}" is not defined in this app`);
    return problems;
  }
  if (def.key !== 'id') {
    if (!(def.key in entity.fields)) add('$.key', `Entity "${entity.name}" has no field "${def.key}"`);
    else if (!(entity.uniqueKeys ?? []).some((k) => k.fields.length === 1 && k.fields[0] === def.key)) add('$.key', `"${def.key}" needs a unique key of its own to match rows on`);
  } else if (def.mode === 'upsert') add('$.mode', 'An import keyed on "id" can only update');
  const fields = new Set<string>();
  let transitions = 0;
  for (const [column, target] of Object.entries(def.columns)) {
    if (typeof target === 'object' && 'transition' in target) {
      transitions++;
      if (!entity.workflow) add(`$.columns.${column}`, `Entity "${entity.name}" has no workflow to move`);
      continue;
    }
    const field = typeof target === 'string' ? target : target.field;
    if (field !== 'id' && !(field in entity.fields)) add(`$.columns.${column}`, `Entity "${entity.name}" has no field "${field}"`);
    if (fields.has(field)) add(`$.columns.${column}`, `Two columns set "${field}"`);
    fields.add(field);
  }
  if (transitions > 1) add('$.columns', 'At most one column names the target state');
  if (!fields.has(def.key)) add('$.key', `No column maps to the key "${def.key}"`);
  (def.required ?? []).forEach((c, i) => c in def.columns || add(`$.required[${i}]`, `"${c}" is not one of the columns`));
  return problems;
}
