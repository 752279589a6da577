// The static analysis of one workflow: the shape of its machine (every state a move names exists,
// every state can be reached and left, every move can be taken) and the names it uses (roles,
// templates, OTP policies). It needs only the app's names, so a change set can analyze a draft
// workflow against the app it would join. What needs the other definitions' contents (the entity's
// fields, a guard's facts, a template's variables) is checked in engine/workflow/check-workflow.ts.
import { SYSTEM_ROLE } from '../auth/system-role.ts';
import type { DefinitionProblem, Effect, WorkflowDef } from '../registry/definition-types.ts';
import { normalizeTransitions, type NormalizedTransition } from '../workflow/normalize-transitions.ts';

/** The names of the app a workflow is analyzed against. */
export interface WorkflowAppNames {
  roles: readonly string[];
  templates: readonly string[];
  otpPolicies: readonly string[];
}

type Report = (path: string, message: string) => void;

/** Errors refuse the workflow; warnings (a state no move reaches or leaves) are reported and load. */
export function analyzeWorkflow(file: string, wf: WorkflowDef, app: WorkflowAppNames): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const reported = new Set<string>();
  // A transition listing several from-states is one authored place: what it says wrong is said once.
  const report = (severity: 'error' | 'warning'): Report => (path, message) => {
    const key = `${path}\n${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    problems.push(severity === 'error' ? { file, path, message } : { file, path, message, severity });
  };
  const error = report('error');
  const warn = report('warning');
  const states = new Set(Object.keys(wf.states));
  const roles = new Set(app.roles);
  const names = { templates: new Set(app.templates), otpPolicies: new Set(app.otpPolicies) };
  const moves = normalizeTransitions(wf);

  if (!states.has(wf.initial)) error('$.initial', `State "${wf.initial}" is not declared in "states"`);
  if (!wf.transitions && !wf.matrix) error('$', 'A workflow needs "transitions" or a "matrix"');

  const unguarded = new Map<string, string>();
  const gates = stageGates(moves);
  let undeclared = false;
  for (const t of moves) {
    undeclared = checkStates(t, wf, states, error) || undeclared;
    t.roles.forEach((r, i) => roles.has(r) || r === SYSTEM_ROLE || error(`${t.source}.roles[${i}]`, `Role "${r}" is not declared by the app`));
    if (!t.roles.some((r) => roles.has(r) || r === SYSTEM_ROLE)) {
      error(`${t.source}.roles`, `No role may take this move${t.roles.length ? ': none of its roles is declared by the app' : ''} (only an override can make it)`);
    }
    // The same event may leave a state more than once when the earlier moves are guarded: the
    // first whose guard holds is taken (activate -> scheduled when the start is ahead, else active).
    const key = `${t.from}/${t.event}`;
    if (unguarded.has(key)) error(t.source, `Event "${t.event}" from "${t.from}" is already defined at ${unguarded.get(key)} without a "when"; this move can never be taken`);
    if (!t.when) unguarded.set(key, t.source);
    checkStageGate(t, gates.get(t.event), wf, error);
    if (t.otp && !names.otpPolicies.has(t.otp.policy)) error(`${t.source}.otp.policy`, `OTP policy "${t.otp.policy}" is not defined in this app`);
    checkEffectNames(t.effects, `${t.source}.effects`, names, error);
  }
  checkEffectNames(wf.effects ?? [], '$.effects', names, error);
  checkEffectNames(wf.onCreate ?? [], '$.onCreate', names, error);
  // The scheduler fires events; it never overrides.
  (wf.override?.roles ?? []).forEach((r, i) => roles.has(r) || error(`$.override.roles[${i}]`, `Role "${r}" is not declared by the app`));

  // Without a declared initial state or any move, every state would be reported, and a misspelt
  // state would be reported again as every state behind it: the errors above say why.
  if (states.has(wf.initial) && (wf.transitions || wf.matrix) && !undeclared) checkReachability(wf, moves, roles, warn);
  return problems;
}

const moveName = (t: NormalizedTransition) => `${t.from} → ${t.to}`;

/** Moves into or out of undeclared states (true when there is one); a final state left by a move. */
function checkStates(t: NormalizedTransition, wf: WorkflowDef, states: ReadonlySet<string>, error: Report): boolean {
  // A matrix row is the place of its from-state, a cell the place of its to-state.
  const inMatrix = t.source.startsWith('$.matrix.');
  if (!states.has(t.from)) error(inMatrix ? `$.matrix.${t.from}` : `${t.source}.from`, `State "${t.from}" is not declared in "states"`);
  if (!states.has(t.to)) error(inMatrix ? t.source : `${t.source}.to`, `State "${t.to}" is not declared in "states"`);
  if (wf.states[t.from]?.final) error(t.source, `State "${t.from}" is final: it cannot have outgoing transitions (admins move out of it by override)`);
  return !states.has(t.from) || !states.has(t.to);
}

/**
 * The stage gate of each event, as decide-transition.ts finds it: the first move of the event with
 * a `requiresStage`. It is asked before the matrix, so it holds for every move of that event.
 */
function stageGates(moves: readonly NormalizedTransition[]): Map<string, NormalizedTransition> {
  const gates = new Map<string, NormalizedTransition>();
  for (const t of moves) if (t.requiresStage !== undefined && !gates.has(t.event)) gates.set(t.event, t);
  return gates;
}

/**
 * A gate asks for the stage of the state the record is in, so a move out of a state below it is
 * refused every time (STAGE_NOT_REACHED). A move asked for by its target state (PATCH .../status)
 * meets the gate of the first move to that state instead; that path is not judged here.
 */
function checkStageGate(t: NormalizedTransition, gate: NormalizedTransition | undefined, wf: WorkflowDef, error: Report) {
  const stages = Object.values(wf.states).map((s) => s.stage);
  if (t.requiresStage !== undefined && !stages.includes(t.requiresStage)) {
    return error(`${t.source}.requiresStage`, `No state of this workflow is at stage ${t.requiresStage}`);
  }
  const needed = gate?.requiresStage;
  // An unknown from-state, or a gate at a stage no state has, is reported as such.
  if (!gate || needed === undefined || !Object.hasOwn(wf.states, t.from) || !stages.includes(needed)) return;
  const stage = wf.states[t.from]!.stage;
  if ((stage ?? 0) >= needed) return;
  const at = stage === undefined ? `"${t.from}" has no stage` : `"${t.from}" is at stage ${stage}`;
  if (gate.source === t.source) error(`${t.source}.requiresStage`, `The move ${moveName(t)} can never be taken: it needs stage ${needed} and ${at}`);
  else error(t.source, `The move ${moveName(t)} can never be taken: event "${t.event}" needs stage ${needed} (${gate.source}.requiresStage) and ${at}`);
}

/** Templates and OTP policies named by effects exist; what they read is the effects' own check. */
function checkEffectNames(effects: readonly Effect[], at: string, names: { templates: ReadonlySet<string>; otpPolicies: ReadonlySet<string> }, error: Report) {
  effects.forEach((e, i) => {
    if ('notify' in e && !names.templates.has(e.notify.template)) error(`${at}[${i}].notify.template`, `Template "${e.notify.template}" is not defined in this app`);
    if ('issueOtp' in e && !names.otpPolicies.has(e.issueOtp.policy)) error(`${at}[${i}].issueOtp.policy`, `OTP policy "${e.issueOtp.policy}" is not defined in this app`);
  });
}

/**
 * States no move reaches from the initial state, and states no move leaves (final states aside).
 * Both load: an override may still put a record there or take it out, and records may already be
 * in a state whose way in was just removed.
 */
function checkReachability(wf: WorkflowDef, declared: readonly NormalizedTransition[], roles: ReadonlySet<string>, warn: Report) {
  // A verifying move's pending state is reached by that move and left by the retry job, to where
  // the move leads or back where it started (verification/pending-verifications.ts).
  const moves = [
    ...declared,
    ...declared.flatMap((t) => (t.verify?.pending ? [{ ...t, to: t.verify.pending }, { ...t, from: t.verify.pending }, { ...t, from: t.verify.pending, to: t.from }] : [])),
  ];
  const reached = new Set([wf.initial]);
  const queue = [wf.initial];
  while (queue.length) {
    const from = queue.shift()!;
    for (const t of moves) {
      if (t.from !== from || !Object.hasOwn(wf.states, t.to) || reached.has(t.to)) continue;
      reached.add(t.to);
      queue.push(t.to);
    }
  }
  const overriders = (wf.override?.roles ?? []).filter((r) => roles.has(r));
  const by = overriders.length ? `${overriders.length > 1 ? 'roles' : 'role'} ${overriders.join(', ')}` : '';
  for (const [name, state] of Object.entries(wf.states)) {
    if (!reached.has(name)) {
      warn(`$.states.${name}`, `State "${name}" cannot be reached from "${wf.initial}" by any move; ${by ? `only an override (${by}) can put a record there` : 'no record can get there (the workflow has no override)'}`);
    }
    if (!state.final && !moves.some((t) => t.from === name)) {
      warn(`$.states.${name}`, `State "${name}" is not final but no move leaves it; ${by ? `only an override (${by}) can move a record out` : 'a record there stays there (the workflow has no override)'}`);
    }
  }
}
