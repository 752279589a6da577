// Plans every effect of one change at once, as data, without I/O: the field changes, the outbox
// rows and the steps to run in the write's transaction. The caller validates the fields, writes
// the record and the rows in one statement or transaction, and runs the steps there.
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { OutboxRow } from '../notify/outbox-row.ts';
import type { EffectContext } from './effect-module.ts';
import { maskDocumentsIn } from '../support/mask-document.ts';
import { effectModules, effectNameOf, type Effect, type EffectRegistry } from './effect-registry.ts';

export interface EffectPlan {
  /** Field changes of the `change` effects, in effect order (a later one wins). */
  fields: Record<string, unknown>;
  outbox: OutboxRow[];
  /** Steps for their effect's `deliver`, inside the write's transaction once the record is written. */
  deliver: { effect: string; step: unknown }[];
  /** Steps for their effect's `prepare`, once the record is final and before it is written. */
  prepare: { effect: string; step: unknown }[];
  /** Effects that do nothing this time, for the log. */
  skipped: { message: string; detail: Record<string, unknown> }[];
}

export interface PlanTarget {
  app: CompiledApp;
  recordId: string | null;
  /** Identifies the change; outbox idempotency keys derive from it. */
  key: string;
  /** The record as the change leaves it, given the fields the `change` effects set (default: ctx.record). */
  after?: (fields: Record<string, unknown>) => Record<string, unknown>;
  /** Document numbers of the change (fields with `mask`): shown in its messages by their last four characters. */
  documents?: readonly string[];
}

/**
 * `ctx.record` is the record as the change found it: `change` effects (set) read it; the others
 * read the record as the change leaves it, so a message shows the new state and the fields set.
 */
export function planEffects(effects: readonly Effect[], ctx: EffectContext, target: PlanTarget, modules: EffectRegistry = effectModules): EffectPlan {
  const plan: EffectPlan = { fields: {}, outbox: [], deliver: [], prepare: [], skipped: [] };
  const steps = effects.map((effect, index) => ({ effect, index, name: effectNameOf(effect), module: modules[effectNameOf(effect)]! }));
  const run = (phase: 'change' | 'after', on: EffectContext) => {
    for (const { effect, index, name, module } of steps.filter((s) => s.module.phase === phase)) {
      const part = module.plan((effect as Record<string, unknown>)[name], on, { app: target.app, recordId: target.recordId, key: target.key, index });
      Object.assign(plan.fields, part.fields);
      plan.outbox.push(...(part.outbox ?? []));
      if (part.deliver !== undefined) plan.deliver.push({ effect: name, step: part.deliver });
      if (part.prepare !== undefined) plan.prepare.push({ effect: name, step: part.prepare });
      if (part.skipped) plan.skipped.push(part.skipped);
    }
  };
  run('change', ctx);
  run('after', { ...ctx, record: target.after ? target.after(plan.fields) : ctx.record });
  // Document numbers reach no message whole, whatever a template or payload names.
  if (target.documents?.length) plan.outbox = plan.outbox.map((row) => ({ ...row, payload: maskDocumentsIn(row.payload, target.documents!) as Record<string, unknown> }));
  return plan;
}
