// The Studio's condition builder is lossless: condition JSON loaded into the editable tree and saved
// again is the same JSON, for any nesting of all / any / not over comparisons with facts, paths
// (or none), operators and typed values — and for shapes the builder does not understand, which it
// carries verbatim. Edits go through the same tree, so what an admin did not touch is never changed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPERATOR_NAMES } from '../../engine/conditions/operators.ts';
import { addTo, countLeaves, fromCondition, leaf, replaceNode, toCondition, type ConditionNode } from '../../studio/src/screens/promotions/condition-tree.ts';

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 5 }),
  fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString().slice(0, 10)),
  fc.record({ fact: fc.constantFrom('now', 'record'), path: fc.constantFrom('$.date', '$.startDate') }, { noNullPrototype: true }),
);
const comparison = fc.oneof(
  fc.record({ fact: fc.constantFrom('cart', 'store', 'customer', 'groups'), path: fc.constantFrom('$.total', '$.skus', '$.zone', '$.LENSES.quantity', '$.id'), operator: fc.constantFrom(...OPERATOR_NAMES), value }, { noNullPrototype: true }),
  // no path: a comparison on a whole fact
  fc.record({ fact: fc.string(), operator: fc.constantFrom(...OPERATOR_NAMES), value }, { noNullPrototype: true }),
);
// Shapes the builder does not edit as such: kept verbatim.
const odd = fc.oneof(fc.constant({}), fc.record({ fact: fc.constant('cart'), operator: fc.constant('equal') }, { noNullPrototype: true }), fc.record({ all: fc.constant([]), any: fc.constant([]) }, { noNullPrototype: true }), fc.constant('text'), fc.integer(), fc.record({ fact: fc.constant('cart'), operator: fc.constant('equal'), value: fc.integer(), extra: fc.boolean() }, { noNullPrototype: true }));

const { condition } = fc.letrec((tie) => ({
  condition: fc.oneof({ depthSize: 'small', withCrossShrink: true }, comparison, comparison, tie('all'), tie('any'), tie('not'), odd),
  all: fc.record({ all: fc.array(tie('condition'), { maxLength: 4 }) }, { noNullPrototype: true }),
  any: fc.record({ any: fc.array(tie('condition'), { maxLength: 4 }) }, { noNullPrototype: true }),
  not: fc.record({ not: tie('condition') }, { noNullPrototype: true }),
}));

describe('studio condition tree', () => {
  it('load then save gives back the same condition JSON (random nested all/any/not conditions)', () => {
    fc.assert(
      fc.property(condition, (json) => {
        const saved = toCondition(fromCondition(json));
        expect(saved).toStrictEqual(json);
        // and through JSON, as the API receives it
        expect(JSON.parse(JSON.stringify(saved))).toEqual(JSON.parse(JSON.stringify(json)));
      }),
      { numRuns: 500 },
    );
  });

  it('no condition stays no condition', () => {
    expect(toCondition(fromCondition(null))).toBeNull();
    expect(toCondition(fromCondition(undefined))).toBeNull();
  });

  it('an edit changes only the node edited', () => {
    fc.assert(
      fc.property(fc.array(comparison, { minLength: 2, maxLength: 5 }), fc.nat(), (list, pick) => {
        const tree = fromCondition({ all: list }) as ConditionNode & { kind: 'all' };
        const i = pick % list.length;
        const edited = replaceNode(tree, tree.children[i]!.id, leaf('cart', '$.total', 'greaterThan', 100));
        const expected = list.map((c, j) => (j === i ? { fact: 'cart', path: '$.total', operator: 'greaterThan', value: 100 } : c));
        expect(toCondition(edited)).toStrictEqual({ all: expected });
        // removing it leaves the others as they were
        expect(toCondition(replaceNode(tree, tree.children[i]!.id, null))).toStrictEqual({ all: list.filter((_, j) => j !== i) });
      }),
    );
  });

  it('adding to a single comparison wraps both in "all"', () => {
    const one = { fact: 'groups', path: '$.BLUECUT.quantity', operator: 'greaterThanInclusive', value: 1 };
    const two = addTo(fromCondition(one), null, leaf('cart', '$.total', 'greaterThan', 5000));
    expect(toCondition(two)).toStrictEqual({ all: [one, { fact: 'cart', path: '$.total', operator: 'greaterThan', value: 5000 }] });
    expect(countLeaves(two)).toBe(2);
  });
});
