// The checks of a workflow a JSON Schema cannot express: its entity, states, roles, guards, OTP
// policies and effects name what the app declares.
import { SYSTEM_ROLE } from '../auth/system-role.ts';
import type { AppDefinitionSet } from '../registry/definition-kind-module.ts';
import type { DefinitionProblem, Effect, EntityDef, WorkflowDef } from '../registry/definition-types.ts';
import { templatesOf } from '../registry/kinds/template.ts';
import { isValidPath } from '../support/object-path.ts';
import { checkGuardCondition } from './check-guard-condition.ts';
import { normalizeTransitions } from './normalize-transitions.ts';

type Add = (f: string, p: string, m: string) => void;
type Templates = ReadonlyMap<string, { channel: 'sms' | 'email'; variables: readonly string[] }>;

export function checkWorkflow(file: string, wf: WorkflowDef, defs: AppDefinitionSet): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add: Add = (f, path, message) => problems.push({ file: f, path, message });
  const entities = defs.named('entity');
  // An entity refused by its schema has had its problem reported; its workflow is not judged against it.
  if (entities.has(wf.entity) || !defs.malformed.has(`entity:${wf.entity}`)) {
    checkMachine(file, wf, entities.get(wf.entity)?.definition, new Set(Object.keys(defs.app.definition.roles)), templatesOf(defs), add);
  }
  const otpPolicies = defs.named('otp');
  for (const t of normalizeTransitions(wf)) {
    if (t.otp && !otpPolicies.has(t.otp.policy)) add(file, `${t.source}.otp.policy`, `OTP policy "${t.otp.policy}" is not defined in this app`);
    else if (t.otp && otpPolicies.get(t.otp.policy)!.definition.record) add(file, `${t.source}.otp.policy`, `OTP policy "${t.otp.policy}" is a record OTP (verified with a proof), not a step's code`);
  }
  return problems;
}

function checkMachine(file: string, wf: WorkflowDef, entity: EntityDef | undefined, roles: Set<string>, templates: Templates, add: Add) {
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

function checkEffect(file: string, path: string, effect: Effect, entity: EntityDef | undefined, wf: WorkflowDef, templates: Templates, add: Add) {
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
