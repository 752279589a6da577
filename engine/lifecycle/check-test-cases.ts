// The checks of saved test cases against the app they test: every entity, event, state, role,
// template, ruleset and OTP policy a case names exists. A change set that removes what a case
// names is then a problem of the app, at the case's own path, rather than a case failing for a
// reason nobody sees.
import { SYSTEM_ROLE } from '../auth/system-role.ts';
import type { AppDefinitionSet } from '../registry/definition-kind-module.ts';
import type { DefinitionProblem, MoveSimulation, SourcedDefinition, TestDef } from '../registry/definition-types.ts';
import { normalizeTransitions } from '../workflow/normalize-transitions.ts';

function checkMove(sim: MoveSimulation, expectTo: string | undefined, at: string, app: AppDefinitionSet, add: (path: string, message: string) => void): void {
  const roles = Object.keys(app.app.definition.roles);
  if (!roles.includes(sim.role) && sim.role !== SYSTEM_ROLE) add(`${at}.simulate.role`, `Role "${sim.role}" is not declared by the app`);
  if ((sim.event === undefined) === (sim.target === undefined)) add(`${at}.simulate`, 'A move names the event to fire or the target state, one of the two');
  const entity = app.named('entity').get(sim.entity)?.definition;
  if (!entity) {
    if (!app.malformed.has(`entity:${sim.entity}`)) add(`${at}.simulate.entity`, `Entity "${sim.entity}" is not defined in this app`);
    return;
  }
  if (!entity.workflow) return add(`${at}.simulate.entity`, `Entity "${sim.entity}" has no workflow to move in`);
  const wf = app.named('workflow').get(entity.workflow)?.definition;
  // A workflow refused by its schema is reported there; its names are unknown here.
  if (!wf) return;
  const states = new Set(Object.keys(wf.states));
  const field = wf.field ?? 'status';
  const state = sim.record?.[field];
  if (state !== undefined && !states.has(String(state))) add(`${at}.simulate.record.${field}`, `"${String(state)}" is not a state of workflow "${wf.name}"`);
  if (sim.target !== undefined && !states.has(sim.target)) add(`${at}.simulate.target`, `"${sim.target}" is not a state of workflow "${wf.name}"`);
  if (sim.event !== undefined && !normalizeTransitions(wf).some((t) => t.event === sim.event)) add(`${at}.simulate.event`, `Workflow "${wf.name}" has no event "${sim.event}"`);
  if (expectTo !== undefined && !states.has(expectTo)) add(`${at}.expect.to`, `"${expectTo}" is not a state of workflow "${wf.name}"`);
}

export function checkTestCases(own: readonly SourcedDefinition<TestDef>[], app: AppDefinitionSet): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const known = (kind: 'template' | 'rules' | 'otp', name: string) => app.named(kind).has(name) || app.malformed.has(`${kind}:${name}`);
  for (const { file, definition } of own) {
    const add = (path: string, message: string) => problems.push({ file, path, message });
    const seen = new Set<string>();
    definition.cases.forEach((c, i) => {
      const at = `$.cases[${i}]`;
      if (seen.has(c.name)) add(`${at}.name`, `The case "${c.name}" is already in this test`);
      seen.add(c.name);
      const sim = c.simulate;
      if (sim.kind !== 'move' && (c.expect.allowed !== undefined || c.expect.to !== undefined)) add(`${at}.expect`, `"allowed" and "to" are about moves; this case simulates a ${sim.kind}`);
      if (sim.kind === 'move') checkMove(sim, c.expect.to, at, app, add);
      if (sim.kind === 'template' && !known('template', sim.template)) add(`${at}.simulate.template`, `Template "${sim.template}" is not defined in this app`);
      if (sim.kind === 'rules' && !known('rules', sim.ruleset)) add(`${at}.simulate.ruleset`, `Ruleset "${sim.ruleset}" is not defined in this app`);
      if (sim.kind === 'otp' && !known('otp', sim.policy)) add(`${at}.simulate.policy`, `OTP policy "${sim.policy}" is not defined in this app`);
    });
  }
  return problems;
}
