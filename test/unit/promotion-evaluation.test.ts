// Promotions over the documented fact set: random carts at random stores, random promotions; the
// compiled evaluation, json-rules-engine over the same facts, and the index agree.
import fc from 'fast-check';
import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { computeSavings } from '../../engine/promotions/benefit.ts';
import { compileCondition, type RuleCondition } from '../../engine/conditions/compile-condition.ts';
import { checkCondition, factSetCatalog } from '../../engine/conditions/check-condition.ts';
import { liveRule, type CompiledRuleJson } from '../../engine/promotions/compiled-rule.ts';
import { evaluateRule } from '../../engine/promotions/evaluate-promotions.ts';
import type { MaterializedGroups } from '../../engine/promotions/materialized-groups.ts';
import { addCustomOperators } from '../../engine/conditions/operators.ts';
import { buildPromotionIndex } from '../../engine/promotions/promotion-index.ts';
import { cartFacts, promotionFactSet } from '../../engine/promotions/ruleset-facts.ts';
import { getPath } from '../../engine/support/object-path.ts';

const SKUS = ['L1', 'L2', 'L3', 'F1', 'F2', 'S1'];
const PRODUCT_GROUPS: Record<string, string[]> = { LENSES: ['L1', 'L2', 'L3'], FRAMES: ['F1', 'F2'], PREMIUM: ['L3', 'F2'] };
const STORES = ['S1', 'S2', 'S3', 'S4'];
const STORE_GROUPS: Record<string, string[]> = { ALL: STORES, SOUTH: ['S1', 'S2'], MALLS: ['S2', 'S3'] };
const STORE_ATTRS: Record<string, Record<string, unknown>> = {
  S1: { storeId: 'S1', city: 'Chennai', zone: 'South', el360: true },
  S2: { storeId: 'S2', city: 'Chennai', zone: 'South', el360: false },
  S3: { storeId: 'S3', city: 'Delhi', zone: 'North', el360: true },
  S4: { storeId: 'S4', city: 'Pune', zone: 'West', el360: false },
};

function groups(defs: Record<string, string[]>, keys: string[]): MaterializedGroups {
  const members = new Map(Object.entries(defs).map(([k, v]) => [k, new Set(v)]));
  const groupsOf = new Map(keys.map((k) => [k, Object.keys(defs).filter((g) => defs[g]!.includes(k))]));
  return { members, groupsOf, records: new Map(keys.map((k) => [k, {}])), canonical: new Map(keys.map((k) => [k.toLowerCase(), k])) };
}
const products = groups(PRODUCT_GROUPS, SKUS);
const stores = groups(STORE_GROUPS, STORES);
const FACT_SET = promotionFactSet({
  storeKey: 'storeId',
  storeFields: { storeId: { type: 'string' }, city: { type: 'string' }, zone: { type: 'string' }, el360: { type: 'boolean' } },
  storeAttributes: ['city', 'zone', 'el360'],
  productGroupCodes: Object.keys(PRODUCT_GROUPS),
});

const linesArb = fc.uniqueArray(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 4 }), price: fc.integer({ min: 0, max: 12000 }) }), { minLength: 1, maxLength: 5, selector: (l) => l.sku });
const leafArb = fc.oneof(
  fc.record({ fact: fc.constant('cart'), path: fc.constantFrom('$.total', '$.quantity', '$.lines'), operator: fc.constantFrom('greaterThan', 'greaterThanInclusive', 'lessThan', 'lessThanInclusive'), value: fc.integer({ min: 0, max: 30000 }) }),
  fc.record({ fact: fc.constant('cart'), path: fc.constant('$.skus'), operator: fc.constantFrom('contains', 'doesNotContain'), value: fc.constantFrom(...SKUS) }),
  fc.record({ fact: fc.constant('cart'), path: fc.constant('$.skus'), operator: fc.constantFrom('containsAny', 'containsAll'), value: fc.uniqueArray(fc.constantFrom(...SKUS), { minLength: 1, maxLength: 3 }) }),
  fc.record({ fact: fc.constant('groups'), path: fc.constantFrom(...Object.keys(PRODUCT_GROUPS).flatMap((g) => [`$.${g}.quantity`, `$.${g}.amount`])), operator: fc.constantFrom('greaterThanInclusive', 'lessThan'), value: fc.integer({ min: 0, max: 15000 }) }),
  fc.record({ fact: fc.constant('store'), path: fc.constantFrom('$.city', '$.zone'), operator: fc.constantFrom('equal', 'notEqual'), value: fc.constantFrom('Chennai', 'Delhi', 'South', 'North') }),
  fc.record({ fact: fc.constant('store'), path: fc.constant('$.el360'), operator: fc.constant('equal'), value: fc.boolean() }),
) as fc.Arbitrary<RuleCondition>;
const conditionArb = fc.letrec<{ node: RuleCondition }>((tie) => ({
  node: fc.oneof({ maxDepth: 4, depthIdentifier: 'c' }, leafArb, fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }), fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }), fc.record({ not: tie('node') })) as fc.Arbitrary<RuleCondition>,
})).node;
const benefitArb = fc.oneof(
  fc.record({ type: fc.constant('percentOff' as const), value: fc.integer({ min: 1, max: 100 }), cap: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }), productGroup: fc.option(fc.constantFrom(...Object.keys(PRODUCT_GROUPS)), { nil: undefined }) }),
  fc.record({ type: fc.constant('flatOff' as const), value: fc.integer({ min: 1, max: 5000 }), productGroup: fc.option(fc.constantFrom(...Object.keys(PRODUCT_GROUPS)), { nil: undefined }) }),
  fc.record({ type: fc.constant('buyXGetY' as const), buy: fc.integer({ min: 1, max: 3 }), get: fc.integer({ min: 1, max: 2 }), productGroup: fc.option(fc.constantFrom(...Object.keys(PRODUCT_GROUPS)), { nil: undefined }) }),
  fc.record({ type: fc.constant('fixedPrice' as const), value: fc.integer({ min: 0, max: 8000 }), productGroup: fc.option(fc.constantFrom(...Object.keys(PRODUCT_GROUPS)), { nil: undefined }) }),
);
const promotionArb = fc.record({ condition: fc.option(conditionArb, { nil: null }), benefit: benefitArb, storeGroup: fc.constantFrom(...Object.keys(STORE_GROUPS)) });

const rule = (p: { condition: RuleCondition | null; benefit: CompiledRuleJson['benefit']; storeGroup: string }, i: number) =>
  liveRule({ id: `p${i}`, version: 1, name: `P${i}`, priority: 0, exclusive: false, startDate: '2026-01-01', endDate: '2026-12-31', condition: p.condition, benefit: JSON.parse(JSON.stringify(p.benefit)), storeGroup: p.storeGroup, productGroups: [...Object.keys(PRODUCT_GROUPS)], resolved: { stores: 0, products: 0 } });

async function jre(condition: RuleCondition, facts: object): Promise<boolean> {
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: (v: unknown, p: string) => getPath(v, p) });
  addCustomOperators(engine);
  engine.addRule({ conditions: ('all' in condition || 'any' in condition || 'not' in condition ? condition : { all: [condition] }) as never, event: { type: 'ok' } });
  return (await engine.run({ ...facts })).events.length > 0;
}

describe('promotion evaluation over the documented fact set', () => {
  it('compiled conditions agree with json-rules-engine on random carts, stores and promotions', async () => {
    await fc.assert(
      fc.asyncProperty(conditionArb, linesArb, fc.constantFrom(...STORES), async (condition, lines, store) => {
        expect(checkCondition(condition, factSetCatalog(FACT_SET))).toEqual([]);
        const facts = cartFacts(lines, STORE_ATTRS[store]!, undefined, (sku) => products.groupsOf.get(sku) ?? [], Object.keys(PRODUCT_GROUPS));
        expect(compileCondition(condition).test(facts as never)).toBe(await jre(condition, facts));
      }),
      { numRuns: 300 },
    );
  });

  it('the index returns exactly the promotions a full scan finds applicable', () => {
    fc.assert(
      fc.property(fc.array(promotionArb, { minLength: 1, maxLength: 30 }), linesArb, fc.constantFrom(...STORES), (promos, lines, store) => {
        const rules = promos.map(rule);
        const index = buildPromotionIndex(rules, stores, products);
        const facts = cartFacts(lines, STORE_ATTRS[store]!, undefined, (sku) => products.groupsOf.get(sku) ?? [], index.groupCodes);
        const applies = (r: (typeof rules)[number]) => evaluateRule(r, facts as never, lines, products, '2026-11-23').applies;
        const scanned = rules.filter((r) => stores.members.get(r.json.storeGroup)!.has(store) && applies(r)).map((r) => r.json.id);
        const indexed = index.candidates(store, lines.map((l) => l.sku)).filter(applies).map((r) => r.json.id);
        expect(indexed.sort()).toEqual(scanned.sort());
      }),
      { numRuns: 300 },
    );
  });
});

describe('benefits', () => {
  const lines = [{ sku: 'L1', quantity: 2, price: 1000 }, { sku: 'L2', quantity: 1, price: 2500.5 }];
  it('percent off rounds to the paisa and respects the cap', () => {
    expect(computeSavings({ type: 'percentOff', value: 12.5 }, lines)).toEqual({ base: 4500.5, savings: 562.56 });
    expect(computeSavings({ type: 'percentOff', value: 50, cap: 300 }, lines).savings).toBe(300);
  });
  it('flat off never exceeds what it applies to', () => {
    expect(computeSavings({ type: 'flatOff', value: 10000 }, lines).savings).toBe(4500.5);
  });
  it('buy X get Y frees the cheapest units, one set per X+Y units', () => {
    expect(computeSavings({ type: 'buyXGetY', buy: 1, get: 1 }, lines).savings).toBe(1000); // 3 units: one set
    expect(computeSavings({ type: 'buyXGetY', buy: 2, get: 1 }, [{ sku: 'a', quantity: 6, price: 100 }]).savings).toBe(200);
    expect(computeSavings({ type: 'buyXGetY', buy: 2, get: 1, cap: 150 }, [{ sku: 'a', quantity: 6, price: 100 }]).savings).toBe(150);
  });
  it('fixed price saves the difference on every unit priced above it, nothing on cheaper ones', () => {
    expect(computeSavings({ type: 'fixedPrice', value: 1500 }, lines).savings).toBe(1000.5);
  });
});
