// The documented fact set of a promotion ruleset, and the facts of one evaluation.
//
//   cart      total, quantity (units), lines, skus (list)
//   store     the store's key and every attribute store groups filter on
//   customer  id (when the request names one)
//   groups    <PRODUCT GROUP CODE>.quantity / .amount: the cart's units and amount in that group
//
// A condition can only name what is listed here; group codes come from the product groups that
// exist when the condition is checked.
import type { FieldSchema } from '../registry/definition-types.ts';
import type { FactSet, FactType } from '../conditions/check-condition.ts';
import type { PricedLine } from './benefit.ts';

export interface FactSetSource {
  storeKey: string;
  storeFields: Readonly<Record<string, FieldSchema>>;
  storeAttributes: readonly string[];
  productGroupCodes: Iterable<string>;
}

const TYPE_OF: Record<string, FactType> = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean' };

export function attributeTypes(fields: Readonly<Record<string, FieldSchema>>, names: readonly string[]): Record<string, FactType> {
  const out: Record<string, FactType> = {};
  for (const n of names) {
    const t = TYPE_OF[fields[n]?.type ?? ''];
    if (t) out[n] = t;
  }
  return out;
}

export function promotionFactSet(src: FactSetSource): FactSet {
  const groups: Record<string, FactType> = {};
  for (const code of src.productGroupCodes) {
    groups[`${code}.quantity`] = 'number';
    groups[`${code}.amount`] = 'number';
  }
  return {
    cart: { total: 'number', quantity: 'number', lines: 'number', skus: 'string[]' },
    store: { ...attributeTypes(src.storeFields, [src.storeKey, ...src.storeAttributes]) },
    customer: { id: 'string' },
    groups,
  };
}

export interface CartFacts {
  cart: { total: number; quantity: number; lines: number; skus: string[] };
  store: Record<string, unknown>;
  customer: { id?: string };
  groups: Record<string, { quantity: number; amount: number }>;
}

/**
 * Facts for one cart: `groupsOf` tells which product groups a SKU is in; every code in `zeroFor`
 * reads 0 when the cart has nothing of it (so "fewer than 2 lenses" holds for an empty group).
 */
export function cartFacts(lines: readonly PricedLine[], store: Record<string, unknown>, customerId: string | undefined, groupsOf: (sku: string) => readonly string[], zeroFor: readonly string[] = []): CartFacts {
  let total = 0;
  let quantity = 0;
  const groups: Record<string, { quantity: number; amount: number }> = {};
  for (const code of zeroFor) groups[code] = { quantity: 0, amount: 0 };
  for (const l of lines) {
    const amount = l.price * l.quantity;
    total += amount;
    quantity += l.quantity;
    for (const code of groupsOf(l.sku)) {
      const g = (groups[code] ??= { quantity: 0, amount: 0 });
      g.quantity += l.quantity;
      g.amount += amount;
    }
  }
  return {
    cart: { total: Math.round(total * 100) / 100, quantity, lines: lines.length, skus: lines.map((l) => l.sku) },
    store,
    customer: customerId === undefined ? {} : { id: customerId },
    groups,
  };
}
