// The checks a JSON Schema cannot express: every name a definition uses must exist in its app.
import { isValidPath } from '../support/object-path.ts';
import { normalizeTransitions } from '../workflow/normalize-transitions.ts';
import type { AppDef, Condition, DefinitionProblem, Effect, EntityDef, SourcedDefinition, WorkflowDef } from './definition-types.ts';

export interface AppDefinitions {
  app: SourcedDefinition<AppDef>;
  entities: SourcedDefinition<EntityDef>[];
  workflows: SourcedDefinition<WorkflowDef>[];
  /** Compiled templates by name, with the variables each reads. */
  templates: ReadonlyMap<string, { channel: 'sms' | 'email'; variables: readonly string[] }>;
  /** "kind:name" of definitions refused by their schema: known to exist, not checked further. */
  malformed: Set<string>;
}

/** Columns every record has besides its declared fields, which lists can also be sorted by. */
export const SORTABLE_SYSTEM_FIELDS = ['createdAt', 'updatedAt'] as const;

/** The scheduler's role: definitions may let it fire events (jobs); no user can hold it. */
export const SYSTEM_ROLE = 'system';

export function crossCheck(defs: AppDefinitions): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const { app } = defs;
  const roles = new Set(Object.keys(app.definition.roles));
  const entities = new Map(defs.entities.map((e) => [e.definition.name, e]));
  const workflows = new Map(defs.workflows.map((w) => [w.definition.name, w]));
  const add = (file: string, path: string, message: string) => problems.push({ file, path, message });

  duplicates(defs.entities.map((e) => [e.definition.name, e.file]), 'entity', add);
  duplicates(defs.workflows.map((w) => [w.definition.name, w.file]), 'workflow', add);

  if (roles.has(SYSTEM_ROLE)) add(app.file, `$.roles.${SYSTEM_ROLE}`, `"${SYSTEM_ROLE}" is the scheduler's own role; give the role another name`);
  for (const [role, def] of Object.entries(app.definition.roles)) {
    for (const [entityName, perm] of Object.entries(def.permissions ?? {})) {
      const path = `$.roles.${role}.permissions.${entityName}`;
      const entity = entities.get(entityName);
      if (!entity) {
        if (!defs.malformed.has(`entity:${entityName}`)) add(app.file, path, `Entity "${entityName}" is not defined in this app`);
        continue;
      }
      if (perm.scope && !(perm.scope.field in entity.definition.fields)) {
        add(app.file, `${path}.scope.field`, `Entity "${entityName}" has no field "${perm.scope.field}"`);
      }
      if (Array.isArray(perm.update)) perm.update.forEach((f, i) => f in entity.definition.fields || add(app.file, `${path}.update[${i}]`, `Entity "${entityName}" has no field "${f}"`));
      if (perm.transition && !entity.definition.workflow) {
        add(app.file, `${path}.transition`, `Entity "${entityName}" has no workflow to transition`);
      }
    }
  }

  (app.definition.demoUsers ?? []).forEach((u, i) => roles.has(u.role) || add(app.file, `$.demoUsers[${i}].role`, `Role "${u.role}" is not declared by the app`));

  const seenRoutes = new Set<string>();
  (app.definition.routes ?? []).forEach((route, i) => {
    const path = `$.routes[${i}]`;
    const key = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
    if (seenRoutes.has(key)) add(app.file, path, `Route ${route.method} ${route.path} is declared twice`);
    seenRoutes.add(key);
    const params = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if (route.operation.startsWith('auth.')) return;
    if (route.operation === 'rules.evaluate') return route.ruleset || add(app.file, `${path}.ruleset`, 'rules.evaluate needs a "ruleset"');
    if (route.operation.startsWith('imports.')) {
      const param = ['imports.status', 'imports.errors'].includes(route.operation) ? ['id'] : ['entity', 'import'];
      if (!param.some((p) => params.includes(p))) add(app.file, `${path}.path`, `Operation ${route.operation} needs {${param.join('} or {')}} in its path`);
      return;
    }
    const entity = route.entity ? entities.get(route.entity) : undefined;
    if (!route.entity) return add(app.file, `${path}.entity`, `Operation ${route.operation} needs an "entity"`);
    if (!entity) return defs.malformed.has(`entity:${route.entity}`) || add(app.file, `${path}.entity`, `Entity "${route.entity}" is not defined in this app`);
    const needsId = !['records.create', 'records.list'].includes(route.operation);
    if (needsId && !params.includes('id') && !route.idFrom) add(app.file, `${path}.path`, `Operation ${route.operation} needs an {id} in its path`);
    if ((route.operation === 'otp.request' || route.operation === 'otp.verify') && !route.policy) add(app.file, `${path}.policy`, `${route.operation} needs a "policy"`);
    if (route.operation === 'records.moveTo' && !route.targetField) add(app.file, `${path}.targetField`, 'records.moveTo needs a "targetField" naming the body field with the target state');
    if ((route.operation === 'records.moveTo' || route.operation === 'records.event') && !entity.definition.workflow) {
      add(app.file, `${path}.operation`, `Entity "${route.entity}" has no workflow`);
    }
    if (route.operation === 'records.event') {
      const wf = entity.definition.workflow ? workflows.get(entity.definition.workflow) : undefined;
      if (!route.event) add(app.file, `${path}.event`, 'records.event needs an "event"');
      else if (wf && !normalizeTransitions(wf.definition).some((t) => t.event === route.event)) {
        add(app.file, `${path}.event`, `Workflow "${wf.definition.name}" has no event "${route.event}"`);
      }
    }
  });

  for (const { file, definition: e } of defs.entities) {
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
    if (e.workflow) {
      const wf = workflows.get(e.workflow);
      if (!wf && !defs.malformed.has(`workflow:${e.workflow}`)) add(file, '$.workflow', `Workflow "${e.workflow}" is not defined in this app`);
      else if (wf && wf.definition.entity !== e.name) add(file, '$.workflow', `Workflow "${e.workflow}" belongs to entity "${wf.definition.entity}", not "${e.name}"`);
      const stateField = wf?.definition.field ?? 'status';
      if (fields.has(stateField)) add(file, `$.fields.${stateField}`, `"${stateField}" is owned by workflow "${e.workflow}" and cannot also be a field`);
    }
  }

  for (const { file, definition: wf } of defs.workflows) {
    if (!entities.has(wf.entity) && defs.malformed.has(`entity:${wf.entity}`)) continue;
    checkWorkflow(file, wf, entities.get(wf.entity)?.definition, roles, defs.templates, add);
  }
  return problems;
}

function duplicates(pairs: [string, string][], kind: string, add: (f: string, p: string, m: string) => void) {
  const seen = new Map<string, string>();
  for (const [name, file] of pairs) {
    if (seen.has(name)) add(file, '$.name', `The ${kind} "${name}" is already defined in ${seen.get(name)}`);
    seen.set(name, file);
  }
}

type Templates = AppDefinitions['templates'];

function checkWorkflow(file: string, wf: WorkflowDef, entity: EntityDef | undefined, roles: Set<string>, templates: Templates, add: (f: string, p: string, m: string) => void) {
  const states = new Set(Object.keys(wf.states));
  if (!entity) add(file, '$.entity', `Entity "${wf.entity}" is not defined in this app`);
  else if (entity.workflow !== wf.name) add(file, '$.entity', `Entity "${wf.entity}" does not name this workflow in its "workflow"`);
  if (!states.has(wf.initial)) add(file, '$.initial', `State "${wf.initial}" is not declared in "states"`);
  if (!wf.transitions && !wf.matrix) add(file, '$', 'A workflow needs "transitions" or a "matrix"');

  for (const [from, row] of Object.entries(wf.matrix ?? {})) {
    if (!states.has(from)) add(file, `$.matrix.${from}`, `State "${from}" is not declared in "states"`);
    for (const to of Object.keys(row)) if (!states.has(to)) add(file, `$.matrix.${from}.${to}`, `State "${to}" is not declared in "states"`);
  }
  const transitions = normalizeTransitions(wf);
  const seen = new Map<string, string>();
  for (const t of transitions) {
    if (!wf.matrix?.[t.from]) {
      if (!states.has(t.from)) add(file, `${t.source}.from`, `State "${t.from}" is not declared in "states"`);
      if (!states.has(t.to)) add(file, `${t.source}.to`, `State "${t.to}" is not declared in "states"`);
    }
    if (wf.states[t.from]?.final) add(file, t.source, `State "${t.from}" is final: it cannot have outgoing transitions (admins move out of it by override)`);
    t.roles.forEach((r, i) => roles.has(r) || r === SYSTEM_ROLE || add(file, `${t.source}.roles[${i}]`, `Role "${r}" is not declared by the app`));
    // The same event may leave a state more than once when the earlier moves are guarded: the
    // first whose guard holds is taken (activate -> scheduled when the start is ahead, else active).
    const key = `${t.from}/${t.event}`;
    if (seen.has(key)) add(file, t.source, `Event "${t.event}" from "${t.from}" is already defined at ${seen.get(key)} without a "when"; this move can never be taken`);
    if (!t.when) seen.set(key, t.source);
    if (t.when) checkGuardCondition(file, `${t.source}.when`, t.when, entity, wf, add);
    if (t.requiresStage !== undefined && !Object.values(wf.states).some((st) => st.stage === t.requiresStage)) {
      add(file, `${t.source}.requiresStage`, `No state of this workflow is at stage ${t.requiresStage}`);
    }
    t.effects.forEach((e, i) => checkEffect(file, `${t.source}.effects[${i}]`, e, entity, wf, templates, add));
  }
  (wf.effects ?? []).forEach((e, i) => checkEffect(file, `$.effects[${i}]`, e, entity, wf, templates, add));
  (wf.onCreate ?? []).forEach((e, i) => checkEffect(file, `$.onCreate[${i}]`, e, entity, wf, templates, add));
  (wf.override?.roles ?? []).forEach((r, i) => roles.has(r) || add(file, `$.override.roles[${i}]`, `Role "${r}" is not declared by the app`));
}

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

const CONTEXT_ROOTS = ['record', 'actor', 'input', 'remarks', 'now'];

/** A "{{path}}" inside an effect value: a plain path under a context root, naming a real field. */
function checkExpression(value: unknown, at: string, entity: EntityDef | undefined, wf: WorkflowDef, add: (p: string, m: string) => void) {
  if (typeof value !== 'string') return;
  for (const m of value.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) checkVariable(m[1] ?? '', at, entity, wf, add, CONTEXT_ROOTS);
}

function checkVariable(ref: string, at: string, entity: EntityDef | undefined, wf: WorkflowDef, add: (p: string, m: string) => void, roots: string[]) {
  const [root, field] = ref.split('.');
  if (!isValidPath(ref) || !roots.includes(root ?? '')) return add(at, `"{{${ref}}}" must be a path under ${roots.join(', ')}`);
  if (root === 'record' && field && entity && !(field in entity.fields) && !['id', 'version', 'createdAt', 'updatedAt', wf.field ?? 'status'].includes(field)) {
    add(at, `"{{${ref}}}": entity "${entity.name}" has no field "${field}"`);
  }
  if (root === 'input' && field && !(field in (wf.input ?? {}))) add(at, `"{{${ref}}}": the workflow input has no field "${field}"`);
}

function checkEffect(file: string, path: string, effect: Effect, entity: EntityDef | undefined, wf: WorkflowDef, templates: Templates, add: (f: string, p: string, m: string) => void) {
  const at = (p: string, m: string) => add(file, p, m);
  if ('set' in effect) {
    for (const [field, value] of Object.entries(effect.set)) {
      if (entity && !(field in entity.fields)) add(file, `${path}.set.${field}`, `Entity "${entity.name}" has no field "${field}"`);
      checkExpression(value, `${path}.set.${field}`, entity, wf, at);
    }
  } else if ('notify' in effect) {
    const template = templates.get(effect.notify.template);
    if (!template) return add(file, `${path}.notify.template`, `Template "${effect.notify.template}" is not defined in this app`);
    checkExpression(effect.notify.to, `${path}.notify.to`, entity, wf, at);
    // Knowable at load time: a variable the template reads that this workflow cannot provide.
    for (const v of template.variables) checkVariable(v, `${path}.notify.template`, entity, wf, (p, m) => add(file, p, `Template "${effect.notify.template}": ${m}`), [...CONTEXT_ROOTS, 'app']);
  } else if ('emit' in effect) {
    for (const [key, value] of Object.entries(effect.emit.payload ?? {})) checkExpression(value, `${path}.emit.payload.${key}`, entity, wf, at);
  } else {
    // A code is sent in the same transaction as the record it is about: only when the record is created.
    if (!path.startsWith('$.onCreate')) add(file, path, 'issueOtp can only be used in onCreate');
    checkExpression(effect.issueOtp.sms, `${path}.issueOtp.sms`, entity, wf, at);
    checkExpression(effect.issueOtp.email, `${path}.issueOtp.email`, entity, wf, at);
  }
}
