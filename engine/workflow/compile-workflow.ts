import { setup, type AnyStateMachine } from 'xstate';
import type { WorkflowDef } from '../registry/definition-types.ts';
import { compileConditionGuard } from '../conditions/condition-guard.ts';
import type { CompiledTransition, CompiledWorkflow } from './compiled-workflow.ts';
import { normalizeTransitions } from './normalize-transitions.ts';

/** The event the machine receives: who asks, and the (async, precomputed) guard results. */
export interface WorkflowEvent {
  type: string;
  role: string;
  guardResults: Readonly<Record<number, boolean>>;
}

/**
 * Both authoring forms compile to one xstate machine. Behaviour is looked up by name through
 * setup(): the only guard is `allowed`, parameterised by the transition's roles and index.
 */
export function compileWorkflow(def: WorkflowDef): CompiledWorkflow {
  const transitions: CompiledTransition[] = normalizeTransitions(def).map((t, index) => ({
    index,
    event: t.event,
    from: t.from,
    to: t.to,
    roles: new Set(t.roles),
    guard: t.when ? compileConditionGuard(t.when) : undefined,
    effects: t.effects,
    requiresStage: t.requiresStage,
    limit: t.limit,
    otp: t.otp,
    verify: t.verify,
    internal: t.internal === true,
    requires: t.requires ?? [],
    requiresFiles: t.requiresFiles ?? [],
  }));

  const byState = new Map<string, CompiledTransition[]>();
  for (const t of transitions) byState.set(t.from, [...(byState.get(t.from) ?? []), t]);

  const states: Record<string, { type?: 'final'; on?: Record<string, unknown[]> }> = {};
  for (const [name, state] of Object.entries(def.states)) {
    const on: Record<string, unknown[]> = {};
    for (const t of byState.get(name) ?? []) {
      (on[t.event] ??= []).push({ target: t.to, guard: { type: 'allowed', params: { roles: [...t.roles], index: t.index } } });
    }
    states[name] = state.final ? { type: 'final' } : { on };
  }

  const machine = setup({
    types: { events: {} as WorkflowEvent },
    guards: {
      allowed: ({ event }, params: { roles: string[]; index: number }) =>
        params.roles.includes(event.role) && event.guardResults[params.index] !== false,
    },
  }).createMachine({ id: def.name, initial: def.initial, states: states as never }) as unknown as AnyStateMachine;

  return {
    name: def.name,
    entity: def.entity,
    field: def.field ?? 'status',
    initial: def.initial,
    states: def.states,
    transitions,
    byState,
    events: new Set(transitions.map((t) => t.event)),
    commonEffects: def.effects ?? [],
    onCreate: def.onCreate ?? [],
    overrideRoles: new Set(def.override?.roles ?? []),
    overrideRemarksRequired: def.override?.remarks === 'required',
    isJourney: Object.values(def.states).some((s) => s.stage !== undefined),
    machine,
    definition: def,
  };
}
