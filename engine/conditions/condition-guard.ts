import { Engine } from 'json-rules-engine';
import type { Condition } from '../registry/definition-types.ts';
import { getPath } from '../support/object-path.ts';
import { addCustomOperators } from './operators.ts';

export interface GuardFacts {
  record: Record<string, unknown>;
  input: Record<string, unknown>;
  actor: Record<string, unknown>;
  /** Today (UTC, YYYY-MM-DD) and the instant, for date guards: { fact: now, path: $.date }. */
  now?: { date: string; iso: string };
}

export const nowFacts = (d: Date) => ({ date: d.toISOString().slice(0, 10), iso: d.toISOString() });

export type ConditionGuard = (facts: GuardFacts) => Promise<boolean>;

/**
 * A json-rules-engine condition as an async predicate. The path resolver replaces the default
 * JSONPath one: definitions hold plain dotted paths over own properties, nothing that evaluates.
 * A path that names nothing reads as null, as an absent field does in JSON: so `notEqual null`
 * means "given" (a payment needs its UTR) and `equal null` means "not given".
 */
export function compileConditionGuard(condition: Condition): ConditionGuard {
  const engine = new Engine([], {
    allowUndefinedFacts: true,
    pathResolver: (value: unknown, path: string) => getPath(value, path) ?? null,
  });
  addCustomOperators(engine);
  engine.addRule({ conditions: toTopLevel(condition) as never, event: { type: 'pass' } });
  return async (facts) => {
    const { events } = await engine.run({ ...facts });
    return events.length > 0;
  };
}

/** json-rules-engine wants all/any/not at the top; a bare comparison becomes { all: [it] }. */
function toTopLevel(condition: Condition): Condition {
  return 'all' in condition || 'any' in condition || 'not' in condition ? condition : { all: [condition] };
}
