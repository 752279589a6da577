// Load-time checks of one effect: allowed where it is declared, then its own module's checks.
import type { EffectCheckContext, EffectPlace } from './effect-module.ts';
import { effectModules, effectNameOf, type Effect, type EffectRegistry } from './effect-registry.ts';

export function checkEffect(effect: Effect, place: EffectPlace, at: EffectCheckContext, modules: EffectRegistry = effectModules): void {
  const name = effectNameOf(effect);
  const module = modules[name]!;
  if (!module.places.includes(place)) at.add(at.path, `${name} can only be used in ${module.places.join(' or ')}`);
  module.check((effect as Record<string, unknown>)[name], at);
}
