// The operators a condition may use: json-rules-engine's defaults with their exact semantics
// (including the fact-type checks), plus containsAny / containsAll for list facts such as the
// SKUs in a cart. The compiled evaluator and json-rules-engine share this one table.
import { Operator, type Engine } from 'json-rules-engine';

export type OperatorFn = (factValue: unknown, value: unknown) => boolean;

const isNumberish = (v: unknown) => Number.parseFloat(v as string).toString() !== 'NaN';
const isList = Array.isArray;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isText = (v: unknown) => typeof v === 'string';
// ISO dates (and date-times) order as text: "2026-11-23" < "2026-12-01".
const dates = (cmp: (a: string, b: string) => boolean): OperatorFn => (a, b) => typeof b === 'string' && cmp(a as string, b);

export const OPERATORS: Readonly<Record<string, { fn: OperatorFn; factCheck?: (v: unknown) => boolean; valueKind: 'scalar' | 'list' | 'number' | 'date' }>> = Object.freeze({
  equal: { fn: (a, b) => a === b, valueKind: 'scalar' },
  notEqual: { fn: (a, b) => a !== b, valueKind: 'scalar' },
  in: { fn: (a, b) => asList(b).indexOf(a) > -1, valueKind: 'list' },
  notIn: { fn: (a, b) => asList(b).indexOf(a) === -1, valueKind: 'list' },
  contains: { fn: (a, b) => (a as unknown[]).indexOf(b) > -1, factCheck: isList, valueKind: 'scalar' },
  doesNotContain: { fn: (a, b) => (a as unknown[]).indexOf(b) === -1, factCheck: isList, valueKind: 'scalar' },
  lessThan: { fn: (a, b) => (a as number) < (b as number), factCheck: isNumberish, valueKind: 'number' },
  lessThanInclusive: { fn: (a, b) => (a as number) <= (b as number), factCheck: isNumberish, valueKind: 'number' },
  greaterThan: { fn: (a, b) => (a as number) > (b as number), factCheck: isNumberish, valueKind: 'number' },
  greaterThanInclusive: { fn: (a, b) => (a as number) >= (b as number), factCheck: isNumberish, valueKind: 'number' },
  containsAny: { fn: (a, b) => asList(b).some((x) => (a as unknown[]).includes(x)), factCheck: isList, valueKind: 'list' },
  containsAll: { fn: (a, b) => asList(b).every((x) => (a as unknown[]).includes(x)), factCheck: isList, valueKind: 'list' },
  before: { fn: dates((a, b) => a < b), factCheck: isText, valueKind: 'date' },
  onOrBefore: { fn: dates((a, b) => a <= b), factCheck: isText, valueKind: 'date' },
  after: { fn: dates((a, b) => a > b), factCheck: isText, valueKind: 'date' },
  onOrAfter: { fn: dates((a, b) => a >= b), factCheck: isText, valueKind: 'date' },
});

export const OPERATOR_NAMES = Object.keys(OPERATORS);

/**
 * Registers the operators json-rules-engine lacks, with the same semantics as ours. They go in as
 * Operator instances: addOperator(name, fn) would silently drop the fact-type check.
 */
export function addCustomOperators(engine: Engine): void {
  engine.addOperator(new Operator('containsAny', OPERATORS.containsAny!.fn as never, isList));
  engine.addOperator(new Operator('containsAll', OPERATORS.containsAll!.fn as never, isList));
  for (const name of ['before', 'onOrBefore', 'after', 'onOrAfter']) engine.addOperator(new Operator(name, OPERATORS[name]!.fn as never, isText));
}
