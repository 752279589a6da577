// The test console (§4.3.1): lens and frame selections become SKUs, and every promotion is
// explained against the cart: each condition's result and the fact value it read, whether its
// store group holds the group under test, its dates and status, and what it would save.
import { AppError, type ErrorDetail } from '../errors/app-error.ts';
import type { RulesDef } from '../registry/definition-types.ts';
import type { PricedLine } from './benefit.ts';
import { checkRuleComplete, type RuleContext } from './check-rule-record.ts';
import { compileCondition, type ConditionTrace, type Facts, type RuleCondition } from '../conditions/compile-condition.ts';
import { liveRule, type CompiledRuleJson } from './compiled-rule.ts';
import { offerFor } from './evaluate-promotions.ts';
import type { MaterializedGroups } from './materialized-groups.ts';
import type { CartFacts } from './ruleset-facts.ts';

export interface ConsoleResult {
  promotionId: string;
  name: string;
  status: string;
  eligible: boolean;
  reasons: string[];
  /** matches: holds the store standing for the group under test; covers: how many of that group's stores it holds. */
  storeGroup: { code: string; matches: boolean; covers: number };
  conditions: { result: boolean; leaves: ConditionTrace[] };
  savings: number;
}

export interface ConsoleCart {
  facts: CartFacts;
  lines: readonly PricedLine[];
  today: string;
  /** The store group under test, and the store standing for it (its first by key). */
  storeGroup: { code: string; members: ReadonlySet<string>; store: string | undefined };
}

/** One promotion, as authored (any status), against the console's cart. */
export function explainPromotion(rc: RuleContext, row: { id: string; version: number; state: string; data: Readonly<Record<string, unknown>> }, cart: ConsoleCart): ConsoleResult {
  const f = rc.ruleset.fields;
  const d = row.data;
  const under = cart.storeGroup;
  const base = { promotionId: row.id, name: String(d[f.name ?? ''] ?? row.id), status: row.state };
  const code = String(d[f.storeGroup] ?? '');
  const promoStores = rc.stores.members.get(code);
  const storeGroup = {
    code,
    matches: under.store !== undefined && (promoStores?.has(under.store) ?? false),
    covers: promoStores ? [...under.members].filter((m) => promoStores.has(m)).length : 0,
  };
  const problems = checkRuleComplete(rc, d, cart.today);
  if (problems.length) return { ...base, eligible: false, reasons: problems.map((p) => `${p.path}: ${p.message}`), storeGroup, conditions: { result: false, leaves: [] }, savings: 0 };

  const reasons: string[] = [];
  if (!rc.ruleset.evaluatedIn.includes(row.state)) reasons.push(`Status "${row.state}": only ${rc.ruleset.evaluatedIn.join(', ')} promotions are evaluated`);
  if (!storeGroup.matches) reasons.push(`Its store group "${code}" does not hold ${under.store ?? 'any store'} (it holds ${storeGroup.covers} of the ${under.members.size} stores of "${under.code}")`);
  const start = d[f.startDate] as string;
  const end = d[f.endDate] as string;
  if (start > cart.today || end < cart.today) reasons.push(`Runs from ${start} to ${end}; today is ${cart.today}`);
  const condition = (d[f.conditions] ?? null) as RuleCondition | null;
  const explained = condition ? compileCondition(condition).explain(cart.facts as unknown as Facts) : { result: true, leaves: [] };
  if (!explained.result) reasons.push('Its conditions are not met');
  const benefit = d[f.benefit] as CompiledRuleJson['benefit'];
  const rule = liveRule({ id: row.id, version: row.version, name: base.name, priority: 0, exclusive: false, startDate: start, endDate: end, condition, benefit, storeGroup: code, productGroups: [], resolved: { stores: 0, products: 0 } });
  const offer = offerFor(rule, cart.lines, rc.products);
  if (!offer) {
    const pg = benefit.productGroup;
    const inGroup = pg ? cart.lines.some((l) => rc.products.members.get(pg)?.has(l.sku)) : true;
    reasons.push(inGroup ? `Its ${benefit.type} benefit saves nothing on this cart` : `Nothing in the cart is in product group "${pg}"`);
  }
  return { ...base, eligible: reasons.length === 0, reasons, storeGroup, conditions: explained, savings: offer?.savings ?? 0 };
}

/** Test console selections -> SKUs: per selection, the first product (by SKU) with every attribute asked for. */
export function selectionItems(rs: RulesDef, products: MaterializedGroups, selections: Record<string, Record<string, string | number | boolean>>): { sku: string; quantity: number }[] {
  const known = rs.console?.selections ?? {};
  const details: ErrorDetail[] = [];
  const items: { sku: string; quantity: number }[] = [];
  for (const [name, asked] of Object.entries(selections)) {
    const fixed = Object.prototype.hasOwnProperty.call(known, name) ? known[name] : undefined;
    if (!fixed) {
      details.push({ path: `$.selections.${name}`, message: `Unknown selection; known: ${Object.keys(known).join(', ') || 'none'}` });
      continue;
    }
    const unknown = Object.keys(asked).filter((a) => !rs.productGroups.attributes.includes(a));
    if (unknown.length) {
      details.push(...unknown.map((a) => ({ path: `$.selections.${name}.${a}`, message: `Not a product attribute; known: ${rs.productGroups.attributes.join(', ')}` })));
      continue;
    }
    const want = Object.entries({ ...asked, ...fixed });
    const sku = [...products.records.keys()].sort().find((k) => want.every(([a, v]) => products.records.get(k)![a] === v));
    if (!sku) details.push({ path: `$.selections.${name}`, message: 'No product matches these selections' });
    else items.push({ sku, quantity: 1 });
  }
  if (details.length) throw new AppError('VALIDATION_FAILED', undefined, { details });
  return items;
}

