// `set`: fields of the record, changed with the move (or filled at creation from what it knows).
import { checkExpression } from './check-expression.ts';
import type { EffectModule } from './effect-module.ts';
import { resolveValue } from './resolve-value.ts';

export type SetEffect = Record<string, unknown>;

export const set: EffectModule<SetEffect> = {
  schema: 'common.schema.json#/definitions/effect/properties/set',
  places: ['onCreate', 'transition', 'workflow'],
  phase: 'change',
  check(body, at) {
    for (const [field, value] of Object.entries(body)) {
      if (at.entity && !(field in at.entity.fields)) at.add(`${at.path}.set.${field}`, `Entity "${at.entity.name}" has no field "${field}"`);
      checkExpression(value, `${at.path}.set.${field}`, at);
    }
  },
  plan(body, ctx) {
    const fields: Record<string, unknown> = {};
    for (const [field, raw] of Object.entries(body)) {
      const value = resolveValue(raw, ctx);
      // A value that resolves to nothing leaves its field alone.
      if (value !== undefined) fields[field] = value;
    }
    return { fields };
  },
};
