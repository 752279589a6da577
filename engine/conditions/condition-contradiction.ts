// Whether a condition can never hold, and why: comparisons on one fact path under `all` that
// exclude each other (cart.total >= 100 and cart.total < 50; equal to two different values), also
// through nested `all`s and into each branch of an `any` (every branch impossible: the `any` is).
// Only certain answers: a part it cannot judge (`not`, list operators) counts as satisfiable.
import type { RuleCondition } from './compile-condition.ts';
import { constraintOf, describeLeaf, isEmpty, isLeaf, leafKey, type Leaf } from './leaf-constraint.ts';

interface Placed {
  leaf: Leaf;
  at: string;
}

const shown = (p: Placed) => `${describeLeaf(p.leaf)} (at ${p.at})`;

/** The smallest set of comparisons that cannot hold together, among those on one key. */
function clash(placed: readonly Placed[]): string | undefined {
  const byKey = new Map<string, Placed[]>();
  for (const p of placed) {
    const key = leafKey(p.leaf);
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(p);
  }
  for (const group of byKey.values()) {
    if (!isEmpty(constraintOf(group.map((p) => p.leaf)))) continue;
    for (const p of group) if (isEmpty(constraintOf([p.leaf]))) return `${shown(p)} can never hold`;
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        if (isEmpty(constraintOf([group[i]!.leaf, group[j]!.leaf]))) return `${shown(group[i]!)} and ${shown(group[j]!)} cannot both hold`;
      }
    }
    return `${group.map(shown).join(', ')} cannot all hold`;
  }
  return undefined;
}

/** The comparisons an `all` joins directly or through nested `all`s, and its other parts. */
function collect(c: RuleCondition, at: string, leaves: Placed[], rest: [RuleCondition, string][]): void {
  if (isLeaf(c)) leaves.push({ leaf: c, at });
  else if ('all' in c) c.all.forEach((x, i) => collect(x, `${at}.all[${i}]`, leaves, rest));
  else rest.push([c, at]);
}

function never(c: RuleCondition, at: string, context: readonly Placed[]): string | undefined {
  if ('any' in c) {
    const reasons = c.any.map((branch, i) => never(branch, `${at}.any[${i}]`, context));
    if (!reasons.every(Boolean)) return undefined;
    return reasons.length === 1 ? reasons[0] : `no branch of ${at}.any can hold (${reasons.join('; ')})`;
  }
  if ('not' in c) return undefined;
  const leaves: Placed[] = [];
  const rest: [RuleCondition, string][] = [];
  collect(c, at, leaves, rest);
  const joined = [...context, ...leaves];
  const found = clash(joined);
  if (found) return found;
  for (const [part, where] of rest) {
    const reason = never(part, where, joined);
    if (reason) return reason;
  }
  return undefined;
}

/** A sentence saying why the condition can never hold, or undefined when it may. */
export function conditionContradiction(condition: RuleCondition, at = '$'): string | undefined {
  return never(condition, at, []);
}
