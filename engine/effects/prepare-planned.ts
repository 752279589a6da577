// Runs a plan's prepare steps (a PDF rendered and stored) on the record as it will be written, and
// answers the fields they fill. The caller writes them with the record; when that write does not
// happen (refused, rolled back, lost a race), it calls `abandon`, so what the steps made is never
// the record's and each step says what becomes of it.
import type { PrepareDeps, Prepared } from './effect-module.ts';
import { effectModules, type EffectRegistry } from './effect-registry.ts';
import type { EffectPlan } from './plan-effects.ts';

export interface PreparedAll {
  fields: Record<string, unknown>;
  /** Best effort, never throws: the write's own error is the one the caller answers. */
  abandon(): Promise<void>;
}

export async function preparePlanned(steps: EffectPlan['prepare'], deps: PrepareDeps, modules: EffectRegistry = effectModules): Promise<PreparedAll> {
  const done: Prepared[] = [];
  const abandon = async () => {
    for (const p of done) await p.abandon?.().catch((err: unknown) => deps.logger.error({ err }, 'could not abandon a prepared effect'));
  };
  const fields: Record<string, unknown> = {};
  try {
    for (const { effect, step } of steps) {
      // Each step sees the fields the ones before it filled.
      const prepared = await modules[effect]!.prepare!(step, { ...deps, record: { ...deps.record, ...fields } });
      done.push(prepared);
      Object.assign(fields, prepared.fields);
    }
  } catch (err) {
    await abandon();
    throw err;
  }
  return { fields, abandon };
}

/** Nothing to prepare: what a write without prepare steps uses. */
export const NOTHING_PREPARED: PreparedAll = { fields: {}, abandon: async () => {} };
