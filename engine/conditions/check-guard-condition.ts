// A guard (a transition's `when`, a job step's, an entity proof's) is a condition over the facts a
// move has: the record (the entity's fields, its state, id and version), the move's input, the actor
// and now. It is checked by the one condition checker with this catalog.
import type { Condition, EntityDef, FieldSchema, WorkflowDef } from '../registry/definition-types.ts';
import { checkCondition, type FactCatalog, type FactType } from './check-condition.ts';

const ACTOR_FIELDS = ['id', 'email', 'phone', 'role'];
const NOW_FIELDS = ['date', 'iso'];

/** The type a declared field reads as; nested paths under it are not typed. */
function fieldType(field: FieldSchema | undefined, nested: boolean): FactType {
  if (nested || !field) return 'any';
  if (field.type === 'integer' || field.type === 'number') return 'number';
  if (field.type === 'string' || field.type === 'boolean') return field.type;
  const items = field.items as { type?: string } | undefined;
  return field.type === 'array' && items?.type === 'string' ? 'string[]' : 'any';
}

/** What a guard of workflow `wf` (of `entity`, when it exists) may read. */
export function guardFacts(entity: EntityDef | undefined, wf: WorkflowDef): FactCatalog {
  const stateField = wf.field ?? 'status';
  return {
    facts: ['record', 'input', 'actor', 'now'],
    factValues: true,
    wholeFacts: true,
    typeOf(fact, [first, ...rest]) {
      if (first === undefined) return 'any';
      const nested = rest.length > 0;
      switch (fact) {
        case 'record':
          if (!entity) return 'any'; // reported once, where the workflow names its entity
          if (first === 'id' || first === stateField) return nested ? { problem: `"${first}" is text` } : 'string';
          if (first === 'version') return nested ? { problem: '"version" is a number' } : 'number';
          return first in entity.fields ? fieldType(entity.fields[first], nested) : { problem: `Entity "${entity.name}" has no field "${first}"` };
        case 'input':
          return first in (wf.input ?? {}) ? fieldType(wf.input![first], nested) : { problem: `Workflow input has no field "${first}"` };
        case 'now':
          return NOW_FIELDS.includes(first) && !nested ? 'string' : { problem: '"now" has "date" (YYYY-MM-DD) and "iso"' };
        default:
          return ACTOR_FIELDS.includes(first) && !nested ? 'string' : { problem: `The actor has no "${first}" (id, email, phone, role)` };
      }
    },
  };
}

export function checkGuardCondition(file: string, path: string, c: Condition, entity: EntityDef | undefined, wf: WorkflowDef, add: (f: string, p: string, m: string) => void) {
  for (const problem of checkCondition(c, guardFacts(entity, wf), path)) add(file, problem.path, problem.message);
}
