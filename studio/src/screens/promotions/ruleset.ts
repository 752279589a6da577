// What the Studio learns from a `rules` definition: which entity holds the rules, where each part
// of a rule sits in its records, which entities are the stores, products and their groups, and the
// facts and operators a condition may use. Nothing here is PromoPartner's: another app naming other
// fields gets the same screen. The fact set mirrors the engine's documented one
// (engine/promotions/ruleset-facts.ts) so the builder can offer choices; the engine still checks
// every write and its answer (422 RULE_INVALID with paths) is what the admin sees.

export interface FieldDef {
  type?: string;
  enum?: unknown[];
  label?: string;
  format?: string;
}

export interface EntityDef {
  name: string;
  label?: string;
  fields: Record<string, FieldDef>;
  filterable?: string[];
  sortable?: string[];
  required?: string[];
}

export interface GroupSource {
  entity: string;
  code: string;
  filter: string;
  attributes: string[];
}

export interface RulesetDef {
  name: string;
  entity: string;
  fields: { conditions: string; benefit: string; storeGroup: string; startDate: string; endDate: string; priority?: string; exclusive?: string; name?: string };
  evaluatedIn: string[];
  stores: { entity: string; key: string };
  products: { entity: string; key: string; price?: string };
  storeGroups: GroupSource;
  productGroups: GroupSource;
  console?: { selections?: Record<string, Record<string, string | number | boolean>> };
}

export type FactType = 'number' | 'string' | 'boolean' | 'string[]';
export type FactSet = Record<string, Record<string, FactType>>;

const TYPE_OF: Record<string, FactType> = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean' };

/** The facts a promotion condition may read (see ruleset-facts.ts): cart, store, customer, groups. */
export function factSet(rs: RulesetDef, storeEntity: EntityDef | undefined, productGroupCodes: readonly string[]): FactSet {
  const store: Record<string, FactType> = {};
  for (const name of [rs.stores.key, ...rs.storeGroups.attributes]) {
    const t = TYPE_OF[storeEntity?.fields[name]?.type ?? ''];
    if (t) store[name] = t;
  }
  const groups: Record<string, FactType> = {};
  for (const code of productGroupCodes) {
    groups[`${code}.quantity`] = 'number';
    groups[`${code}.amount`] = 'number';
  }
  return { cart: { total: 'number', quantity: 'number', lines: 'number', skus: 'string[]' }, store, customer: { id: 'string' }, groups };
}

/** How each operator's value is given (engine/conditions/operators.ts `valueKind`). */
export type ValueKind = 'scalar' | 'list' | 'number' | 'date';
export const OPERATORS: Record<string, { kind: ValueKind; words: string; listFact?: boolean }> = {
  equal: { kind: 'scalar', words: 'is' },
  notEqual: { kind: 'scalar', words: 'is not' },
  in: { kind: 'list', words: 'is one of' },
  notIn: { kind: 'list', words: 'is none of' },
  lessThan: { kind: 'number', words: 'is less than' },
  lessThanInclusive: { kind: 'number', words: 'is at most' },
  greaterThan: { kind: 'number', words: 'is more than' },
  greaterThanInclusive: { kind: 'number', words: 'is at least' },
  contains: { kind: 'scalar', words: 'contains', listFact: true },
  doesNotContain: { kind: 'scalar', words: 'does not contain', listFact: true },
  containsAny: { kind: 'list', words: 'contains any of', listFact: true },
  containsAll: { kind: 'list', words: 'contains all of', listFact: true },
  before: { kind: 'date', words: 'is before' },
  onOrBefore: { kind: 'date', words: 'is on or before' },
  after: { kind: 'date', words: 'is after' },
  onOrAfter: { kind: 'date', words: 'is on or after' },
};

/** The operators that make sense on a fact of this type (the engine refuses the others). */
export function operatorsFor(type: FactType | undefined): string[] {
  return Object.entries(OPERATORS)
    .filter(([, o]) => {
      if (type === 'string[]') return Boolean(o.listFact);
      if (o.listFact) return false;
      if (o.kind === 'number') return type === 'number' || type === undefined;
      if (o.kind === 'date') return type === 'string' || type === undefined;
      return true;
    })
    .map(([name]) => name);
}

/** A value of the right shape for an operator on a fact type, keeping what fits of the old one. */
export function coerceValue(old: unknown, operator: string, type: FactType | undefined): unknown {
  const kind = OPERATORS[operator]?.kind ?? 'scalar';
  const itemType = type === 'string[]' ? 'string' : type;
  const one = (v: unknown): unknown => {
    if (itemType === 'number') return typeof v === 'number' ? v : Number(v) || 0;
    if (itemType === 'boolean') return typeof v === 'boolean' ? v : v === 'true';
    return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
  };
  if (kind === 'list') return Array.isArray(old) ? old.map(one) : old === '' || old === undefined || old === null ? [] : [one(old)];
  const single = Array.isArray(old) ? old[0] : old;
  if (kind === 'number') return typeof single === 'number' ? single : Number(single) || 0;
  if (kind === 'date') return typeof single === 'string' && /^\d{4}-\d{2}-\d{2}/.test(single) ? single : new Date().toISOString().slice(0, 10);
  return one(single);
}

/** "$.a.b" -> "a.b"; the builder's paths are those of the fact set. */
export const pathKey = (path: unknown) => (typeof path === 'string' ? path.replace(/^\$\.?/, '') : '');

/** A leaf in words, for summaries and the list: "cart total is at least 5000". */
export function describeComparison(fact: unknown, path: unknown, operator: unknown, value: unknown): string {
  const words = OPERATORS[String(operator)]?.words ?? String(operator);
  const v = value === '' ? '(empty)' : Array.isArray(value) ? value.map(String).join(', ') : value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `${String(fact)} ${pathKey(path).replace(/\./g, ' ')} ${words} ${v}`.replace(/\s+/g, ' ');
}

/** A condition in words (all / any / not nest with brackets). */
export function describeCondition(c: unknown): string {
  if (c === null || c === undefined) return 'Always (no condition)';
  if (typeof c !== 'object' || Array.isArray(c)) return JSON.stringify(c);
  const o = c as Record<string, unknown>;
  if (Array.isArray(o.all)) return o.all.map((x) => wrap(x)).join(' and ');
  if (Array.isArray(o.any)) return o.any.map((x) => wrap(x)).join(' or ');
  if ('not' in o) return `not ${wrap(o.not)}`;
  if ('fact' in o) return describeComparison(o.fact, o.path, o.operator, o.value);
  return JSON.stringify(c);
}
const wrap = (c: unknown) => {
  const s = describeCondition(c);
  return c && typeof c === 'object' && ('all' in c || 'any' in c) ? `(${s})` : s;
};

/** A benefit in words. */
export function describeBenefit(b: unknown): string {
  if (!b || typeof b !== 'object') return '—';
  const o = b as { type?: string; value?: number; cap?: number; buy?: number; get?: number; productGroup?: string };
  const on = o.productGroup ? ` on ${o.productGroup}` : ' on the cart';
  const cap = o.cap !== undefined ? `, up to ${money(o.cap)}` : '';
  switch (o.type) {
    case 'percentOff':
      return `${o.value}% off${on}${cap}`;
    case 'flatOff':
      return `${money(o.value)} off${on}`;
    case 'buyXGetY':
      return `Buy ${o.buy}, get ${o.get} free${on}${cap}`;
    case 'fixedPrice':
      return `${money(o.value)} a unit${on}${cap}`;
    default:
      return JSON.stringify(b);
  }
}

export const money = (n: unknown) => (typeof n === 'number' ? `₹${n.toLocaleString('en-IN', { maximumFractionDigits: 2 })}` : '—');
