import { transition as xstateTransition, type AnyMachineSnapshot } from 'xstate';
import { AppError } from '../errors/app-error.ts';
import type { GuardFacts } from '../conditions/condition-guard.ts';
import type { CompiledTransition, CompiledWorkflow } from './compiled-workflow.ts';
import type { WorkflowEvent } from './compile-workflow.ts';

export interface TransitionRequest {
  role: string;
  /** Either the event to fire or the state to move to (seed-style PATCH .../status). */
  event?: string;
  target?: string;
  /** The body field that named the target, so that a refusal points at it. */
  targetField?: string;
  override?: boolean;
  remarks?: string;
}

export interface TransitionDecision {
  event: string;
  from: string;
  to: string;
  override: boolean;
  /** The matrix move taken; absent for an override, which runs only the workflow-wide effects. */
  transition?: CompiledTransition;
}

/** Evaluates the (async) condition guards of the moves out of `state` that `role` may take. */
async function guardResults(wf: CompiledWorkflow, state: string, role: string, facts: GuardFacts): Promise<Record<number, boolean>> {
  const results: Record<number, boolean> = {};
  for (const t of wf.byState.get(state) ?? []) {
    if (t.guard && t.roles.has(role)) results[t.index] = await t.guard(facts);
  }
  return results;
}

function snapshotAt(wf: CompiledWorkflow, state: string): AnyMachineSnapshot {
  return wf.machine.resolveState({ value: state, context: {} });
}

/** The events `role` may fire now: what the machine accepts with the guards evaluated. */
export async function allowedEvents(wf: CompiledWorkflow, state: string, role: string, facts: GuardFacts): Promise<string[]> {
  if (!(state in wf.states)) return [];
  const snapshot = snapshotAt(wf, state);
  const results = await guardResults(wf, state, role, facts);
  // A move only the engine takes (a verification's review) is no caller's to fire.
  const events = new Set((wf.byState.get(state) ?? []).filter((t) => !t.internal).map((t) => t.event));
  return [...events].filter((type) => snapshot.can({ type, role, guardResults: results } satisfies WorkflowEvent));
}

/**
 * Asks the compiled machine whether the move is allowed for this role with its guard holding;
 * otherwise accepts it only as a logged override by a role that may override; else 422.
 */
export async function decideTransition(wf: CompiledWorkflow, state: string, req: TransitionRequest, facts: GuardFacts): Promise<TransitionDecision> {
  const outgoing = wf.byState.get(state) ?? [];
  // [RequiresStage(N)]: asking for a later stage's step early has its own answer, before the matrix.
  const gate = wf.transitions.find((t) => (req.event !== undefined ? t.event === req.event : t.to === req.target) && t.requiresStage !== undefined);
  const stage = wf.states[state]?.stage ?? 0;
  if (gate && stage < gate.requiresStage!) {
    throw new AppError('STAGE_NOT_REACHED', `This step needs stage ${gate.requiresStage}; the record is at stage ${stage}`, { data: { requiredStage: gate.requiresStage, currentStage: stage } });
  }
  let event = req.event;
  if (event !== undefined && wf.transitions.some((t) => t.event === event && t.internal)) {
    throw new AppError('INVALID_TRANSITION', undefined, { details: [{ path: '$.event', message: `"${event}" is taken by the engine only (after a verification), never asked for` }] });
  }
  if (event === undefined && req.target !== undefined) {
    // A target state names the move; the first declared move there that this role may take wins
    // (never one only the engine takes).
    const toTarget = outgoing.filter((t) => t.to === req.target && !t.internal);
    event = (toTarget.find((t) => t.roles.has(req.role)) ?? toTarget[0])?.event;
  }

  if (event !== undefined && state in wf.states) {
    const results = await guardResults(wf, state, req.role, facts);
    const [next] = xstateTransition(wf.machine, snapshotAt(wf, state), { type: event, role: req.role, guardResults: results } satisfies WorkflowEvent);
    const to = String(next.value);
    const taken = outgoing.find((t) => t.event === event && t.to === to && t.roles.has(req.role) && results[t.index] !== false);
    if (taken && (req.target === undefined || req.target === to)) return { event, from: state, to, override: false, transition: taken };
  }

  if (req.override && wf.overrideRoles.has(req.role)) {
    const to = req.target ?? wf.transitions.find((t) => t.event === req.event)?.to;
    if (to === undefined || !(to in wf.states)) throw new AppError('INVALID_TRANSITION', `Invalid status transition: "${req.target ?? req.event}" is not a state of this workflow`);
    // to === state is allowed: an override that re-asserts the state is logged like any other write.
    if (wf.overrideRemarksRequired && !req.remarks?.trim()) throw new AppError('REMARKS_REQUIRED');
    return { event: req.event ?? to, from: state, to, override: true };
  }

  throw new AppError('INVALID_TRANSITION', undefined, {
    details: [{ path: req.target !== undefined ? `$.${req.targetField ?? 'target'}` : '$.event', message: `"${req.target ?? req.event}" is not allowed from "${state}" for role "${req.role}"` }],
  });
}
