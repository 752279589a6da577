// A guard (a transition's `when`, a job step's, an entity proof's) reads only facts that exist:
// plain paths under record, input, actor and now, naming fields the entity and workflow declare.
import type { Condition, EntityDef, WorkflowDef } from '../registry/definition-types.ts';
import { isValidPath } from '../support/object-path.ts';

export function checkGuardCondition(file: string, path: string, c: Condition, entity: EntityDef | undefined, wf: WorkflowDef, add: (f: string, p: string, m: string) => void) {
  if ('all' in c) return c.all.forEach((x, i) => checkGuardCondition(file, `${path}.all[${i}]`, x, entity, wf, add));
  if ('any' in c) return c.any.forEach((x, i) => checkGuardCondition(file, `${path}.any[${i}]`, x, entity, wf, add));
  if ('not' in c) return checkGuardCondition(file, `${path}.not`, c.not, entity, wf, add);
  const ref = c.value as { fact?: unknown; path?: unknown } | null;
  if (ref && typeof ref === 'object' && !Array.isArray(ref) && 'fact' in ref) {
    const keys = Object.keys(ref);
    if (!['record', 'input', 'actor', 'now'].includes(String(ref.fact)) || keys.some((k) => k !== 'fact' && k !== 'path')) add(file, `${path}.value`, 'A fact reference is { fact: record | input | actor | now, path }');
    else checkGuardCondition(file, `${path}.value`, { fact: ref.fact as 'now', path: ref.path as string | undefined, operator: 'equal', value: null }, entity, wf, add);
  }
  if (c.path && !isValidPath(c.path)) return add(file, `${path}.path`, `"${c.path}" is not a plain dotted path such as $.field`);
  const first = c.path?.slice(2).split('.')[0];
  if (!first) return;
  if (c.fact === 'record' && entity && !(first in entity.fields) && first !== (wf.field ?? 'status') && !['id', 'version'].includes(first)) {
    add(file, `${path}.path`, `Entity "${entity.name}" has no field "${first}"`);
  }
  if (c.fact === 'input' && !(first in (wf.input ?? {}))) add(file, `${path}.path`, `Workflow input has no field "${first}"`);
  if (c.fact === 'now' && !['date', 'iso'].includes(first)) add(file, `${path}.path`, `"now" has "date" (YYYY-MM-DD) and "iso"`);
  if (c.fact === 'actor' && !['id', 'email', 'phone', 'role'].includes(first)) add(file, `${path}.path`, `The actor has no "${first}" (id, email, phone, role)`);
}
