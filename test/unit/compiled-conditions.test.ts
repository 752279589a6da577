import fc from 'fast-check';
import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { compileCondition, type RuleCondition } from '../../engine/conditions/compile-condition.ts';
import { checkCondition, factSetCatalog, type FactSet } from '../../engine/conditions/check-condition.ts';
import { addCustomOperators } from '../../engine/conditions/operators.ts';
import { getPath } from '../../engine/support/object-path.ts';

const FACTS: FactSet = {
  cart: { total: 'number', quantity: 'number', skus: 'string[]', brands: 'string[]' },
  store: { storeId: 'string', city: 'string', zone: 'string', el360: 'boolean' },
  customer: { isNew: 'boolean', visits: 'number', since: 'string' },
};

const SKUS = ['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4', 'SKU-5'];
const CITIES = ['Pune', 'Mumbai', 'Delhi'];

// ---- generators: carts and conditions over the fact set ------------------------------------
const factsArb = fc.record({
  cart: fc.record({
    // Facts of the wrong type appear too (a numeric string, a missing list): both engines must agree there as well.
    total: fc.oneof(fc.integer({ min: 0, max: 20000 }), fc.constant(undefined as unknown as number), fc.integer({ min: 0, max: 20000 }).map(String) as unknown as fc.Arbitrary<number>),
    quantity: fc.integer({ min: 0, max: 10 }),
    skus: fc.oneof(fc.uniqueArray(fc.constantFrom(...SKUS), { maxLength: 5 }), fc.constant(undefined as unknown as string[])),
    brands: fc.uniqueArray(fc.constantFrom('A', 'B', 'C'), { maxLength: 3 }),
  }),
  store: fc.record({ storeId: fc.constantFrom('S001', 'S002', 'P001'), city: fc.constantFrom(...CITIES), zone: fc.constantFrom('N', 'S'), el360: fc.boolean() }),
  customer: fc.record({ isNew: fc.boolean(), visits: fc.integer({ min: 0, max: 50 }), since: fc.constantFrom('2026-01-01', '2026-11-23', '2026-12-31') }),
});

const leafArb: fc.Arbitrary<RuleCondition> = fc.oneof(
  fc.record({ fact: fc.constant('cart'), path: fc.constantFrom('$.total', '$.quantity'), operator: fc.constantFrom('lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'), value: fc.integer({ min: 0, max: 20000 }) }),
  fc.record({ fact: fc.constant('cart'), path: fc.constantFrom('$.total', '$.quantity'), operator: fc.constantFrom('equal', 'notEqual'), value: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ fact: fc.constant('cart'), path: fc.constantFrom('$.skus', '$.brands'), operator: fc.constantFrom('contains', 'doesNotContain'), value: fc.constantFrom(...SKUS, 'A', 'B') }),
  fc.record({ fact: fc.constant('cart'), path: fc.constant('$.skus'), operator: fc.constantFrom('containsAny', 'containsAll'), value: fc.uniqueArray(fc.constantFrom(...SKUS), { minLength: 1, maxLength: 3 }) }),
  fc.record({ fact: fc.constant('store'), path: fc.constantFrom('$.city', '$.storeId'), operator: fc.constantFrom('in', 'notIn'), value: fc.uniqueArray(fc.constantFrom(...CITIES, 'S001', 'P001', ...Array.from({ length: 12 }, (_, i) => `X${i}`)), { minLength: 1, maxLength: 14 }) }),
  fc.record({ fact: fc.constant('store'), path: fc.constant('$.el360'), operator: fc.constantFrom('equal', 'notEqual'), value: fc.boolean() }),
  fc.record({ fact: fc.constant('customer'), path: fc.constant('$.visits'), operator: fc.constantFrom('greaterThan', 'lessThanInclusive'), value: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ fact: fc.constant('customer'), path: fc.constant('$.since'), operator: fc.constantFrom('before', 'onOrBefore', 'after', 'onOrAfter'), value: fc.constantFrom('2026-01-01', '2026-11-23', '2027-01-01') }),
) as fc.Arbitrary<RuleCondition>;

const conditionArb: fc.Arbitrary<RuleCondition> = fc.letrec<{ node: RuleCondition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 6, depthIdentifier: 'condition' },
    leafArb,
    fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }),
    fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }),
    fc.record({ not: tie('node') }),
  ) as fc.Arbitrary<RuleCondition>,
})).node;

async function viaJsonRulesEngine(condition: RuleCondition, facts: Record<string, unknown>): Promise<boolean> {
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: (v: unknown, p: string) => getPath(v, p) });
  addCustomOperators(engine);
  const top = 'all' in condition || 'any' in condition || 'not' in condition ? condition : { all: [condition] };
  engine.addRule({ conditions: top as never, event: { type: 'eligible' } });
  const { events } = await engine.run({ ...facts });
  return events.length > 0;
}

describe('compiled promotion conditions', () => {
  it('agree with json-rules-engine on random carts and random conditions', async () => {
    await fc.assert(
      fc.asyncProperty(conditionArb, factsArb, async (condition, facts) => {
        expect(checkCondition(condition, factSetCatalog(FACTS))).toEqual([]);
        const compiled = compileCondition(condition).test(facts);
        expect(compiled).toBe(await viaJsonRulesEngine(condition, facts));
      }),
      { numRuns: 400 },
    );
  });

  it('explains every leaf: the fact value used and the result', () => {
    const c = compileCondition({ all: [{ fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: 5000 }, { fact: 'store', path: '$.city', operator: 'in', value: ['Pune'] }] });
    expect(c.explain({ cart: { total: 4000 }, store: { city: 'Pune' } })).toEqual({
      result: false,
      leaves: [
        { condition: 'cart.total greaterThanInclusive 5000', factValue: 4000, result: false },
        { condition: 'store.city in ["Pune"]', factValue: 'Pune', result: true },
      ],
    });
  });

  it('refuses unknown facts, paths and operators, wrong value types, and fact references, each with its path', () => {
    expect(checkCondition({ all: [
      { fact: 'wallet', path: '$.x', operator: 'equal', value: 1 },
      { fact: 'cart', path: '$.discount', operator: 'equal', value: 1 },
      { fact: 'cart', path: '$.total', operator: 'regex', value: '.*' },
      { fact: 'cart', path: '$.total', operator: 'greaterThan', value: '5' },
      { fact: 'store', path: '$.city', operator: 'equal', value: { fact: 'customer' } },
      { fact: 'store', path: '$.city', operator: 'contains', value: 'P' },
      { any: [] },
    ] }, factSetCatalog(FACTS)).map((p) => p.path)).toEqual([
      '$.all[0].fact', '$.all[1].path', '$.all[2].operator', '$.all[3].value', '$.all[4].value', '$.all[5].operator', '$.all[6].any',
    ]);
  });

  it('never reads through a prototype', () => {
    expect(checkCondition({ fact: 'cart', path: '$.constructor', operator: 'equal', value: 1 }, factSetCatalog(FACTS))[0]!.path).toBe('$.path');
    expect(checkCondition({ fact: '__proto__', path: '$.x', operator: 'equal', value: 1 }, factSetCatalog(FACTS))[0]!.path).toBe('$.fact');
    expect(checkCondition({ fact: 'cart', path: '$.total', operator: 'constructor', value: 1 }, factSetCatalog(FACTS))[0]!.path).toBe('$.operator');
  });
});
