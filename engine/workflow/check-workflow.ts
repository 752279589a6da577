// The checks of a workflow a JSON Schema cannot express: its entity, states, roles, guards, OTP
// policies and effects name what the app declares.
import { SYSTEM_ROLE } from '../auth/system-role.ts';
import type { AppDefinitionSet } from '../registry/definition-kind-module.ts';
import type { DefinitionProblem, EntityDef, WorkflowDef } from '../registry/definition-types.ts';
import { checkEffect } from '../effects/check-effect.ts';
import type { EffectPlace } from '../effects/effect-module.ts';
import type { Effect } from '../effects/effect-registry.ts';
import { templatesOf } from '../registry/kinds/template.ts';
import { checkGuardCondition } from '../conditions/check-guard-condition.ts';
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
  const checkEffects = (effects: readonly Effect[], at: string, place: EffectPlace) =>
    effects.forEach((e, i) => checkEffect(e, place, { path: `${at}[${i}]`, entity, workflow: wf, templates, add: (p, m) => add(file, p, m) }));
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
    checkEffects(t.effects, `${t.source}.effects`, 'transition');
  }
  checkEffects(wf.effects ?? [], '$.effects', 'workflow');
  checkEffects(wf.onCreate ?? [], '$.onCreate', 'onCreate');
  (wf.override?.roles ?? []).forEach((r, i) => roles.has(r) || add(file, `$.override.roles[${i}]`, `Role "${r}" is not declared by the app`));
}
