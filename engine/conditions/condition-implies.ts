// Whether one condition holding guarantees another (p implies q), decided only where it is
// certain: the same condition, the parts of `all` and `any`, and comparisons on one fact path
// whose joint constraint lies inside the other's (cart.total >= 200 implies cart.total >= 100).
// "No" means "not proven": the lint only warns on what it can prove.
import type { RuleCondition } from './compile-condition.ts';
import { constraintOf, guarantees, isLeaf, leafKey, type Leaf } from './leaf-constraint.ts';

/** JSON with its keys sorted: two conditions written in a different key order are the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

export const sameCondition = (a: RuleCondition | null, b: RuleCondition | null): boolean => canonical(a) === canonical(b);

/** The comparisons that hold whenever `c` does (its own, or its `all`'s, nested). */
function conjunctLeaves(c: RuleCondition): Leaf[] {
  if (isLeaf(c)) return [c];
  if ('all' in c) return c.all.flatMap(conjunctLeaves);
  return [];
}

function implies(p: RuleCondition, q: RuleCondition): boolean {
  if (sameCondition(p, q)) return true;
  if ('all' in q && q.all.every((x) => implies(p, x))) return true;
  if ('any' in p && p.any.every((x) => implies(x, q))) return true;
  if ('all' in p && p.all.some((x) => implies(x, q))) return true;
  if ('any' in q && q.any.some((x) => implies(p, x))) return true;
  if (isLeaf(q)) {
    const same = conjunctLeaves(p).filter((l) => leafKey(l) === leafKey(q));
    if (same.length && guarantees(constraintOf(same), q)) return true;
  }
  return false;
}

/** p implies q; no condition (null) always holds. */
export function conditionImplies(p: RuleCondition | null, q: RuleCondition | null): boolean {
  if (q === null) return true;
  if (p === null) return false;
  return implies(p, q);
}
