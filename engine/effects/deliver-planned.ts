import type { DeliverDeps } from './effect-module.ts';
import { effectModules, type EffectRegistry } from './effect-registry.ts';
import type { EffectPlan } from './plan-effects.ts';

/** Runs a plan's deliver steps in order, inside the caller's transaction (a failure rolls the write back). */
export async function deliverPlanned(steps: EffectPlan['deliver'], deps: DeliverDeps, modules: EffectRegistry = effectModules): Promise<void> {
  for (const { effect, step } of steps) await modules[effect]!.deliver!(step, deps);
}
