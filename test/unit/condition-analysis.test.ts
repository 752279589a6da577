import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition, type RuleCondition } from '../../engine/conditions/compile-condition.ts';
import { conditionContradiction } from '../../engine/conditions/condition-contradiction.ts';
import { conditionImplies } from '../../engine/conditions/condition-implies.ts';

const total = (operator: string, value: unknown): RuleCondition => ({ fact: 'cart', path: '$.total', operator, value });
const city = (operator: string, value: unknown): RuleCondition => ({ fact: 'store', path: '$.city', operator, value });

// Every value a path can take that matters to comparisons with the values below: each threshold,
// either side of it, between two, and values of the wrong type (a number-like string, none).
const THRESHOLDS = [0, 50, 100, 150];
const NUMBERS = [...new Set(THRESHOLDS.flatMap((t) => [t - 1, t - 0.5, t, t + 0.5, t + 1]))];
const TOTALS: unknown[] = [...NUMBERS, '50', '100', 'x', undefined];
const CITIES: unknown[] = ['Pune', 'Delhi', 'Chennai', 50, undefined];
const FACTS = TOTALS.flatMap((t) => CITIES.map((c) => ({ cart: { total: t }, store: { city: c } })));

const leafArb: fc.Arbitrary<RuleCondition> = fc.oneof(
  fc.record({ fact: fc.constant('cart'), path: fc.constant('$.total'), operator: fc.constantFrom('lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'), value: fc.constantFrom(...THRESHOLDS) }),
  fc.record({ fact: fc.constant('cart'), path: fc.constant('$.total'), operator: fc.constantFrom('equal', 'notEqual'), value: fc.constantFrom<unknown>(...THRESHOLDS, '50') }),
  fc.record({ fact: fc.constant('cart'), path: fc.constant('$.total'), operator: fc.constantFrom('in', 'notIn'), value: fc.uniqueArray(fc.constantFrom<unknown>(...THRESHOLDS, '100'), { minLength: 1, maxLength: 3 }) }),
  fc.record({ fact: fc.constant('store'), path: fc.constant('$.city'), operator: fc.constantFrom('equal', 'notEqual'), value: fc.constantFrom('Pune', 'Delhi') }),
  fc.record({ fact: fc.constant('store'), path: fc.constant('$.city'), operator: fc.constantFrom('in', 'notIn'), value: fc.uniqueArray(fc.constantFrom('Pune', 'Delhi', 'Chennai'), { minLength: 1, maxLength: 3 }) }),
) as fc.Arbitrary<RuleCondition>;

const conditionArb: fc.Arbitrary<RuleCondition> = fc.letrec<{ node: RuleCondition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 4, depthIdentifier: 'condition' },
    leafArb,
    fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }),
    fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ) as fc.Arbitrary<RuleCondition>,
})).node;

describe('condition contradictions', () => {
  it('finds ranges and values on one fact path that exclude each other, under all', () => {
    expect(conditionContradiction({ all: [total('greaterThanInclusive', 100), total('lessThan', 50)] }, '$.conditions')).toBe(
      'cart.total >= 100 (at $.conditions.all[0]) and cart.total < 50 (at $.conditions.all[1]) cannot both hold',
    );
    expect(conditionContradiction({ all: [city('equal', 'Pune'), { all: [total('greaterThan', 0), city('equal', 'Delhi')] }] })).toBe('store.city = "Pune" (at $.all[0]) and store.city = "Delhi" (at $.all[1].all[1]) cannot both hold');
    expect(conditionContradiction({ all: [total('greaterThan', 100), total('lessThanInclusive', 100)] })).toBeDefined();
    expect(conditionContradiction({ all: [total('equal', 150), total('lessThan', 100)] })).toBeDefined();
    expect(conditionContradiction({ all: [city('in', ['Pune', 'Delhi']), city('notIn', ['Pune', 'Delhi'])] })).toBeDefined();
    // Every branch of an any is impossible beside its siblings.
    expect(conditionContradiction({ all: [total('greaterThanInclusive', 100), { any: [total('lessThan', 50), total('equal', 0)] }] })).toMatch(/^no branch of \$\.all\[1\]\.any can hold/);
  });

  it('says nothing of conditions that can hold, or that it cannot judge', () => {
    expect(conditionContradiction({ all: [total('greaterThanInclusive', 100), total('lessThanInclusive', 100)] })).toBeUndefined();
    expect(conditionContradiction({ any: [total('greaterThanInclusive', 100), total('lessThan', 50)] })).toBeUndefined();
    expect(conditionContradiction({ all: [total('greaterThanInclusive', 100), { any: [total('lessThan', 50), city('equal', 'Pune')] }] })).toBeUndefined();
    expect(conditionContradiction({ all: [total('greaterThanInclusive', 100), { not: total('greaterThanInclusive', 50) }] })).toBeUndefined();
    // "50" is not 50, and a number-like string passes a range comparison: no claim.
    expect(conditionContradiction({ all: [total('equal', '50'), total('greaterThan', 100)] })).toBeUndefined();
  });

  it('is sound: a condition it calls impossible holds for no facts', () => {
    let found = 0;
    fc.assert(
      fc.property(conditionArb, (c) => {
        if (!conditionContradiction(c)) return;
        found++;
        const test = compileCondition(c).test;
        for (const facts of FACTS) expect(test(facts), JSON.stringify({ c, facts })).toBe(false);
      }),
      { numRuns: 1500 },
    );
    expect(found).toBeGreaterThan(20);
  });
});

describe('condition implication', () => {
  it('proves the same condition, a part of an all, a narrower range or set, and no condition', () => {
    const big = total('greaterThanInclusive', 100);
    expect(conditionImplies(big, big)).toBe(true);
    expect(conditionImplies({ all: [big, city('equal', 'Pune')] }, big)).toBe(true);
    expect(conditionImplies(total('greaterThan', 150), big)).toBe(true);
    expect(conditionImplies({ all: [total('greaterThanInclusive', 50), total('lessThan', 100)] }, total('lessThanInclusive', 150))).toBe(true);
    expect(conditionImplies(city('in', ['Pune', 'Delhi']), city('notEqual', 'Chennai'))).toBe(true);
    expect(conditionImplies(city('equal', 'Pune'), { any: [city('equal', 'Delhi'), city('in', ['Pune'])] })).toBe(true);
    expect(conditionImplies(big, null)).toBe(true);
    // Key order does not make two conditions different.
    expect(conditionImplies({ operator: 'equal', value: 'Pune', path: '$.city', fact: 'store' } as RuleCondition, city('equal', 'Pune'))).toBe(true);
  });

  it('does not claim what it cannot prove', () => {
    expect(conditionImplies(null, total('greaterThan', 0))).toBe(false);
    expect(conditionImplies(total('greaterThanInclusive', 100), total('greaterThan', 100))).toBe(false);
    expect(conditionImplies({ any: [total('greaterThan', 150), city('equal', 'Pune')] }, total('greaterThan', 100))).toBe(false);
  });

  it('is sound: whenever it says p implies q, q holds for every facts p holds for', () => {
    let found = 0;
    fc.assert(
      fc.property(conditionArb, conditionArb, (p, q) => {
        if (!conditionImplies(p, q)) return;
        found++;
        const [tp, tq] = [compileCondition(p).test, compileCondition(q).test];
        for (const facts of FACTS) if (tp(facts)) expect(tq(facts), JSON.stringify({ p, q, facts })).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(found).toBeGreaterThan(20);
  });
});
