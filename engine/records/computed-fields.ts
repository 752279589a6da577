// Computed fields: values the server computes from a record's other fields by declared arithmetic
// and tiered or looked-up tables — never code. An entity declares them, `computed: { subtotal:
// <expr>, gst: <expr>, total: <expr> }`; one may use another, and each is computed after the ones it
// reads (a definition stored as jsonb keeps no key order, so the order is the dependencies'). They are
// computed on every create, change and move, and a client sending one is refused (the server's
// figure is the only one). An expression is JSON:
//   number                              a constant
//   { field: "capacityKw" }             a field of the record (own properties only)
//   { item: "qty" }                     a field of the current item inside `sum`
//   { add: [e, ...] } { mul: [e, ...] } { sub: [a, b] } { div: [a, b] } { min: [..] } { max: [..] }
//   { round: [e, digits] }              half away from zero, 0-4 digits
//   { sum: { over: "lines", of: e } }   e for each item of the array field `lines`, added up
//   { tiers: { of: e, rows: [{ upTo?, rate }], max? } }   progressive slabs: each slab's share × rate
//   { lookup: { of: e, rows: [{ upTo?, value }] } }        the first row with of ≤ upTo (last: no upTo)
// A missing or non-numeric input makes the result null (the field is then left unset); a result is
// kept to 15 significant digits.
import { getPath } from '../support/object-path.ts';

export type Expression =
  | number
  | { field: string }
  | { item: string }
  | { add: Expression[] }
  | { mul: Expression[] }
  | { sub: [Expression, Expression] }
  | { div: [Expression, Expression] }
  | { min: Expression[] }
  | { max: Expression[] }
  | { round: [Expression, number] }
  | { sum: { over: string; of: Expression } }
  | { tiers: { of: Expression; rows: { upTo?: number; rate: number }[]; max?: number } }
  | { lookup: { of: Expression; rows: { upTo?: number; value: number }[] } };

/** The operator of an expression object (its one key), for checks and evaluation alike. */
export const operatorOf = (e: Exclude<Expression, number>): string => Object.keys(e)[0]!;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  // Half away from zero, with the representation error of x * f taken out (1.005 → 1.01).
  return (Math.sign(x) * Math.round(Math.abs(x) * f + Number.EPSILON * f)) / f;
}

export function evaluate(e: Expression, record: Record<string, unknown>, item?: Record<string, unknown>): number | null {
  if (typeof e === 'number') return e;
  const all = (xs: Expression[]) => {
    const values = xs.map((x) => evaluate(x, record, item));
    return values.some((v) => v === null) ? null : (values as number[]);
  };
  switch (operatorOf(e)) {
    case 'field':
      return num(getPath(record, (e as { field: string }).field));
    case 'item':
      return item ? num(getPath(item, (e as { item: string }).item)) : null;
    case 'add': {
      const v = all((e as { add: Expression[] }).add);
      return v && v.reduce((a, b) => a + b, 0);
    }
    case 'mul': {
      const v = all((e as { mul: Expression[] }).mul);
      return v && v.reduce((a, b) => a * b, 1);
    }
    case 'sub': {
      const v = all((e as { sub: Expression[] }).sub);
      return v && v[0]! - v[1]!;
    }
    case 'div': {
      const v = all((e as { div: Expression[] }).div);
      return v && v[1] !== 0 ? v[0]! / v[1]! : null;
    }
    case 'min': {
      const v = all((e as { min: Expression[] }).min);
      return v && Math.min(...v);
    }
    case 'max': {
      const v = all((e as { max: Expression[] }).max);
      return v && Math.max(...v);
    }
    case 'round': {
      const [x, digits] = (e as { round: [Expression, number] }).round;
      const v = evaluate(x, record, item);
      return v === null ? null : roundTo(v, digits);
    }
    case 'sum': {
      const { over, of } = (e as { sum: { over: string; of: Expression } }).sum;
      const items = getPath(record, over);
      if (!Array.isArray(items)) return items === undefined || items === null ? 0 : null;
      let total = 0;
      for (const it of items) {
        const v = it !== null && typeof it === 'object' && !Array.isArray(it) ? evaluate(of, record, it as Record<string, unknown>) : null;
        if (v === null) return null;
        total += v;
      }
      return total;
    }
    case 'tiers': {
      const { of, rows, max } = (e as { tiers: { of: Expression; rows: { upTo?: number; rate: number }[]; max?: number } }).tiers;
      const x = evaluate(of, record, item);
      if (x === null) return null;
      let total = 0;
      let floor = 0;
      for (const row of rows) {
        const ceiling = row.upTo ?? Infinity;
        if (x > floor) total += (Math.min(x, ceiling) - floor) * row.rate;
        floor = ceiling;
      }
      return max === undefined ? total : Math.min(total, max);
    }
    case 'lookup': {
      const { of, rows } = (e as { lookup: { of: Expression; rows: { upTo?: number; value: number }[] } }).lookup;
      const x = evaluate(of, record, item);
      if (x === null) return null;
      return rows.find((r) => r.upTo === undefined || x <= r.upTo)?.value ?? null;
    }
    default:
      return null;
  }
}

/** The record fields an expression reads (`field` paths' first segment). */
export function fieldsRead(e: Expression): string[] {
  if (typeof e === 'number') return [];
  const op = operatorOf(e);
  const args = (e as Record<string, unknown>)[op];
  if (op === 'field') return [String(args).replace(/^\$\./, '').split('.')[0]!];
  if (op === 'item') return [];
  if (op === 'sum') return [(args as { over: string }).over, ...fieldsRead((args as { of: Expression }).of)];
  if (op === 'tiers' || op === 'lookup') return fieldsRead((args as { of: Expression }).of);
  if (op === 'round') return fieldsRead((args as [Expression, number])[0]);
  return (args as Expression[]).flatMap(fieldsRead);
}

/** The computed fields, each after the computed fields it reads; undefined when some compute each other. */
export function computeOrder(computed: Readonly<Record<string, Expression>>): string[] | undefined {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (field: string): boolean => {
    if (state.get(field) === 'done') return true;
    if (state.get(field) === 'visiting') return false;
    state.set(field, 'visiting');
    for (const dep of fieldsRead(computed[field]!)) if (Object.hasOwn(computed, dep) && !visit(dep)) return false;
    state.set(field, 'done');
    order.push(field);
    return true;
  };
  for (const field of Object.keys(computed).sort()) if (!visit(field)) return undefined;
  return order;
}

const orders = new WeakMap<object, string[]>();

/** Computes the entity's computed fields over `data`, each after those it reads; null leaves a field unset. */
export function applyComputed(computed: Readonly<Record<string, Expression>> | undefined, data: Record<string, unknown>): void {
  if (!computed) return;
  let order = orders.get(computed);
  if (!order) orders.set(computed, (order = computeOrder(computed) ?? []));
  for (const field of order) {
    const expression = computed[field]!;
    const value = evaluate(expression, data);
    // Stored at 15 significant digits: binary floating point's noise (73000.45999999999) is not a figure.
    if (value === null) delete data[field];
    else data[field] = Number(value.toPrecision(15));
  }
}
