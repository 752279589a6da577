// What a promotion gives: percent off, flat off, buy X get Y, or a fixed price per unit, over the
// cart or one product group, optionally capped. Money is computed in paise (integers) so that
// savings add up exactly and round once.
import type { ErrorDetail } from '../errors/app-error.ts';

export type Benefit =
  | { type: 'percentOff'; value: number; cap?: number; productGroup?: string }
  | { type: 'flatOff'; value: number; productGroup?: string }
  | { type: 'buyXGetY'; buy: number; get: number; cap?: number; productGroup?: string }
  | { type: 'fixedPrice'; value: number; cap?: number; productGroup?: string };

/** One cart line with its unit price resolved (from the request or the product master). */
export interface PricedLine {
  sku: string;
  quantity: number;
  price: number;
}

export interface Savings {
  /** Amount of the lines the benefit applies to. */
  base: number;
  savings: number;
}

const TYPES = ['percentOff', 'flatOff', 'buyXGetY', 'fixedPrice'] as const;
const FIELDS: Record<(typeof TYPES)[number], string[]> = {
  percentOff: ['value', 'cap'],
  flatOff: ['value'],
  buyXGetY: ['buy', 'get', 'cap'],
  fixedPrice: ['value', 'cap'],
};
const MONEY_MAX = 1e9;

/** Every problem of an authored benefit, with its path; group codes are checked by the caller. */
export function checkBenefit(b: unknown, at: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (!b || typeof b !== 'object' || Array.isArray(b)) return [{ path: at, message: 'A benefit is an object with a "type"' }];
  const o = b as Record<string, unknown>;
  const type = o.type as (typeof TYPES)[number];
  if (!TYPES.includes(type)) return [{ path: `${at}.type`, message: `"type" is one of ${TYPES.join(', ')}` }];
  const allowed = new Set(['type', 'productGroup', ...FIELDS[type]]);
  for (const k of Object.keys(o)) if (!allowed.has(k)) problems.push({ path: `${at}.${k}`, message: `"${k}" is not part of a ${type} benefit` });
  const num = (k: string, ok: (n: number) => boolean, rule: string, required = true) => {
    const v = o[k];
    if (v === undefined) return required && problems.push({ path: `${at}.${k}`, message: `"${k}" is required for ${type}` });
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) problems.push({ path: `${at}.${k}`, message: `"${k}" must be ${rule}` });
  };
  if (type === 'percentOff') num('value', (n) => n > 0 && n <= 100, 'a percentage above 0 and at most 100');
  if (type === 'flatOff') num('value', (n) => n > 0 && n <= MONEY_MAX, 'an amount above 0');
  if (type === 'fixedPrice') num('value', (n) => n >= 0 && n <= MONEY_MAX, 'a non-negative amount');
  if (type === 'buyXGetY') {
    num('buy', (n) => Number.isInteger(n) && n >= 1 && n <= 100, 'a whole number from 1 to 100');
    num('get', (n) => Number.isInteger(n) && n >= 1 && n <= 100, 'a whole number from 1 to 100');
  }
  if (FIELDS[type].includes('cap')) num('cap', (n) => n > 0 && n <= MONEY_MAX, 'an amount above 0', false);
  if (o.productGroup !== undefined && (typeof o.productGroup !== 'string' || o.productGroup === '')) problems.push({ path: `${at}.productGroup`, message: 'Give a product group code' });
  return problems;
}

const paise = (amount: number) => Math.round(amount * 100);

/**
 * Savings of a benefit over the lines it applies to (already narrowed to its product group).
 * Buy X get Y gives the cheapest units free: of every X+Y units, Y, cheapest first.
 */
export function computeSavings(b: Benefit, lines: readonly PricedLine[]): Savings {
  let base = 0;
  for (const l of lines) base += paise(l.price) * l.quantity;
  let saved = 0;
  switch (b.type) {
    case 'percentOff':
      saved = Math.round((base * b.value) / 100);
      break;
    case 'flatOff':
      saved = Math.min(paise(b.value), base);
      break;
    case 'fixedPrice': {
      const fixed = paise(b.value);
      for (const l of lines) saved += Math.max(0, paise(l.price) - fixed) * l.quantity;
      break;
    }
    case 'buyXGetY': {
      let units = 0;
      for (const l of lines) units += l.quantity;
      let free = Math.floor(units / (b.buy + b.get)) * b.get;
      const cheapestFirst = [...lines].sort((x, y) => x.price - y.price);
      for (const l of cheapestFirst) {
        if (free <= 0) break;
        const n = Math.min(free, l.quantity);
        saved += paise(l.price) * n;
        free -= n;
      }
      break;
    }
  }
  if ('cap' in b && b.cap !== undefined) saved = Math.min(saved, paise(b.cap));
  return { base: base / 100, savings: saved / 100 };
}
