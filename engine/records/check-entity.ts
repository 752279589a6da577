// The checks of an entity a JSON Schema cannot express: the fields its keys, lists, proof and
// idempotency name are its own, and its workflow exists and owns the state field.
import type { AppDefinitionSet } from '../registry/definition-kind-module.ts';
import type { DefinitionProblem, EntityDef } from '../registry/definition-types.ts';
import { checkGuardCondition } from '../conditions/check-guard-condition.ts';
import { SORTABLE_SYSTEM_FIELDS } from './sortable-system-fields.ts';
import { checkComputed } from './check-computed.ts';
import { checkRecordChecks } from './record-checks.ts';
import { checkEffect } from '../effects/check-effect.ts';
import { templatesOf } from '../registry/kinds/template.ts';
import { documentsOf } from '../workflow/check-workflow.ts';
import type { WorkflowDef } from '../registry/definition-types.ts';

export function checkEntity(file: string, e: EntityDef, defs: AppDefinitionSet): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (f: string, path: string, message: string) => problems.push({ file: f, path, message });
  const entities = defs.named('entity');
  const workflows = defs.named('workflow');
  const fields = new Set(Object.keys(e.fields));
  const sortableSystem = (f: string) => (SORTABLE_SYSTEM_FIELDS as readonly string[]).includes(f);
  (e.required ?? []).forEach((f, i) => fields.has(f) || add(file, `$.required[${i}]`, `"${f}" is not a field of entity "${e.name}"`));
  (e.uniqueKeys ?? []).forEach((k, i) =>
    k.fields.forEach((f, j) => fields.has(f) || add(file, `$.uniqueKeys[${i}].fields[${j}]`, `"${f}" is not a field of entity "${e.name}"`)),
  );
  (e.dedupe ?? []).forEach((d, i) => fields.has(d.field) || add(file, `$.dedupe[${i}].field`, `"${d.field}" is not a field of entity "${e.name}"`));
  (e.filterable ?? []).forEach((f, i) => fields.has(f) || add(file, `$.filterable[${i}]`, `"${f}" is not a field of entity "${e.name}"`));
  (e.sortable ?? []).forEach((f, i) => fields.has(f) || sortableSystem(f) || add(file, `$.sortable[${i}]`, `"${f}" is not a field of entity "${e.name}"`));
  if (e.idempotency) {
    const f = e.fields[e.idempotency.field];
    if (!f) add(file, '$.idempotency.field', `"${e.idempotency.field}" is not a field of entity "${e.name}"`);
    else if (f.format !== 'uuid' || f.immutable !== true) add(file, '$.idempotency.field', `"${e.idempotency.field}" must be an immutable field of format "uuid"`);
  }
  if (e.proof) {
    const p = e.proof;
    if (!fields.has(p.recordField)) add(file, '$.proof.recordField', `"${p.recordField}" is not a field of entity "${e.name}"`);
    if (fields.has(p.tokenField)) add(file, '$.proof.tokenField', `"${p.tokenField}" carries the token and is never stored: it cannot also be a field`);
    const proven = p.entity ? entities.get(p.entity) : undefined;
    if (p.entity && !proven && !defs.malformed.has(`entity:${p.entity}`)) add(file, '$.proof.entity', `Entity "${p.entity}" is not defined in this app`);
    Object.keys(p.copy ?? {}).forEach((f) => fields.has(f) || add(file, `$.proof.copy.${f}`, `"${f}" is not a field of entity "${e.name}"`));
    const wf = proven?.definition.workflow ? workflows.get(proven.definition.workflow)?.definition : undefined;
    if (p.when && proven && wf) checkGuardCondition(file, '$.proof.when', p.when, proven.definition, wf, add);
  }
  if (e.onCreate?.length) {
    // Read as a workflow's onCreate effects are; an entity without a workflow has no state and no input.
    const wf: WorkflowDef = (e.workflow ? workflows.get(e.workflow)?.definition : undefined) ?? { kind: 'workflow', name: '', entity: e.name, field: '', initial: '', states: {}, input: {} };
    const all = new Map([...entities].map(([name, d]) => [name, d.definition]));
    const at = { entity: e, entities: all, workflow: wf, workflows: new Map([...workflows].map(([name, w]) => [name, w.definition])), malformed: defs.malformed, templates: templatesOf(defs), documents: documentsOf(defs), add: (p: string, m: string) => add(file, p, m) };
    e.onCreate.forEach((effect, i) => checkEffect(effect, 'onCreate', { ...at, path: `$.onCreate[${i}]` }));
  }
  if (e.assign) checkAssign(file, e, defs, add);
  checkComputed(file, e, add);
  checkRecordChecks(file, e, e.workflow ? workflows.get(e.workflow)?.definition : undefined, add);
  if (e.workflow) {
    const wf = workflows.get(e.workflow);
    if (!wf && !defs.malformed.has(`workflow:${e.workflow}`)) add(file, '$.workflow', `Workflow "${e.workflow}" is not defined in this app`);
    else if (wf && wf.definition.entity !== e.name) add(file, '$.workflow', `Workflow "${e.workflow}" belongs to entity "${wf.definition.entity}", not "${e.name}"`);
    const stateField = wf?.definition.field ?? 'status';
    if (fields.has(stateField)) add(file, `$.fields.${stateField}`, `"${stateField}" is owned by workflow "${e.workflow}" and cannot also be a field`);
  }
  return problems;
}

/** An assignment rule names a string field of its own, a declared role, its own fields to match, and a condition over the new record and the actor. */
function checkAssign(file: string, e: EntityDef, defs: AppDefinitionSet, add: (f: string, p: string, m: string) => void) {
  const a = e.assign!;
  const field = e.fields[a.field];
  if (!field) add(file, '$.assign.field', `"${a.field}" is not a field of entity "${e.name}"`);
  else if (field.type !== 'string') add(file, '$.assign.field', `"${a.field}" receives a user id: it must be a string field`);
  if (!Object.hasOwn(defs.app.definition.roles, a.role)) add(file, '$.assign.role', `Role "${a.role}" is not declared by the app`);
  Object.keys(a.match ?? {}).forEach((f) => f in e.fields || add(file, `$.assign.match.${f}`, `"${f}" is not a field of entity "${e.name}"`));
  if (a.when) {
    const wf = e.workflow ? defs.named('workflow').get(e.workflow)?.definition : undefined;
    // A new record has no input; its state is the workflow's initial one.
    checkGuardCondition(file, '$.assign.when', a.when, e, wf ?? { kind: 'workflow', name: e.name, entity: e.name, initial: '', states: {} }, add);
  }
}
