// What the comparisons of one fact path, all holding at once, allow that path to be: a numeric
// range, a finite set of values, values it cannot be. The lint asks two questions of it — can these
// comparisons hold together, and does holding them guarantee another comparison — and answers
// only when the answer is certain under the operators' exact semantics (operators.ts): a range
// comparison also requires a number-like value, equality is ===. Other operators are not read, so
// a comparison the constraint does not understand never makes it claim anything.
import type { RuleCondition } from './compile-condition.ts';

export type Leaf = { fact: string; path?: string; operator: string; value: unknown };

export const isLeaf = (c: RuleCondition): c is Leaf => 'fact' in c;

/** The fact path a comparison reads: comparisons on one key constrain one value. */
export const leafKey = (l: Leaf): string => `${l.fact}${l.path ? l.path.slice(1) : ''}`;

interface Bound {
  value: number;
  inclusive: boolean;
}

export interface Constraint {
  lo?: Bound;
  hi?: Bound;
  /** The value is one of these (from equal / in); undefined: any. */
  values?: unknown[];
  /** The value is none of these (notEqual / notIn). */
  excluded: unknown[];
}

const SYMBOLS: Record<string, string> = { lessThan: '<', lessThanInclusive: '<=', greaterThan: '>', greaterThanInclusive: '>=', equal: '=', notEqual: '!=' };

/** A comparison as a person reads it: cart.total >= 100. */
export const describeLeaf = (l: Leaf): string => `${leafKey(l)} ${SYMBOLS[l.operator] ?? l.operator} ${JSON.stringify(l.value)}`;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const LOWER = new Set(['greaterThan', 'greaterThanInclusive']);
const UPPER = new Set(['lessThan', 'lessThanInclusive']);

/** The tighter of two lower (or upper) bounds. */
function tighter(a: Bound | undefined, b: Bound, lower: boolean): Bound {
  if (!a) return b;
  if (a.value !== b.value) return (lower ? a.value > b.value : a.value < b.value) ? a : b;
  return a.inclusive ? b : a;
}

const intersect = (a: unknown[] | undefined, b: unknown[]) => (a ? a.filter((x) => b.includes(x)) : [...b]);

/** The constraint of comparisons on one key that all hold. */
export function constraintOf(leaves: readonly Leaf[]): Constraint {
  const c: Constraint = { excluded: [] };
  for (const l of leaves) {
    const v = l.value;
    if (LOWER.has(l.operator) && isNumber(v)) c.lo = tighter(c.lo, { value: v, inclusive: l.operator === 'greaterThanInclusive' }, true);
    else if (UPPER.has(l.operator) && isNumber(v)) c.hi = tighter(c.hi, { value: v, inclusive: l.operator === 'lessThanInclusive' }, false);
    else if (l.operator === 'equal') c.values = intersect(c.values, [v]);
    else if (l.operator === 'in' && Array.isArray(v)) c.values = intersect(c.values, v);
    else if (l.operator === 'notEqual') c.excluded.push(v);
    else if (l.operator === 'notIn' && Array.isArray(v)) c.excluded.push(...v);
  }
  return c;
}

/** Whether a number lies within the constraint's range. */
function inRange(c: Constraint, n: number): boolean {
  if (c.lo && (n < c.lo.value || (n === c.lo.value && !c.lo.inclusive))) return false;
  if (c.hi && (n > c.hi.value || (n === c.hi.value && !c.hi.inclusive))) return false;
  return true;
}

/**
 * The values the constraint still allows, when it names a finite set. A number outside the range
 * is dropped; any other value is kept, since a number-like string may pass a range comparison.
 */
function allowedValues(c: Constraint): unknown[] | undefined {
  return c.values?.filter((v) => !c.excluded.includes(v) && (!isNumber(v) || inRange(c, v)));
}

/** True only when no value can satisfy every comparison of the constraint. */
export function isEmpty(c: Constraint): boolean {
  if (c.lo && c.hi && (c.lo.value > c.hi.value || (c.lo.value === c.hi.value && !(c.lo.inclusive && c.hi.inclusive)))) return true;
  const allowed = allowedValues(c);
  return allowed !== undefined && allowed.length === 0;
}

/** True only when every value the constraint allows satisfies the comparison `q`. */
export function guarantees(c: Constraint, q: Leaf): boolean {
  const allowed = allowedValues(c);
  const v = q.value;
  const excludes = (x: unknown) => (allowed ? !allowed.includes(x) : c.excluded.includes(x) || (isNumber(x) && (c.lo !== undefined || c.hi !== undefined) && !inRange(c, x)));
  if ((LOWER.has(q.operator) || UPPER.has(q.operator)) && isNumber(v)) {
    const wanted: Constraint = { excluded: [], ...(LOWER.has(q.operator) ? { lo: { value: v, inclusive: q.operator === 'greaterThanInclusive' } } : { hi: { value: v, inclusive: q.operator === 'lessThanInclusive' } }) };
    if (allowed) return allowed.every((x) => isNumber(x) && inRange(wanted, x));
    const lower = LOWER.has(q.operator);
    const own = lower ? c.lo : c.hi;
    const want = (lower ? wanted.lo : wanted.hi)!;
    if (!own) return false;
    if (own.value !== want.value) return lower ? own.value > want.value : own.value < want.value;
    return want.inclusive || !own.inclusive;
  }
  switch (q.operator) {
    case 'equal':
      return allowed !== undefined && allowed.every((x) => x === v);
    case 'in':
      return allowed !== undefined && Array.isArray(v) && allowed.every((x) => v.includes(x));
    case 'notEqual':
      return excludes(v);
    case 'notIn':
      return Array.isArray(v) && v.every(excludes);
    default:
      return false;
  }
}
