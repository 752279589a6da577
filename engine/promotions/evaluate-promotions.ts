// One evaluation (§4.3), free of I/O: which of the candidate promotions apply to a priced cart at
// a store, what each saves, ranked by savings. Exclusivity: an applicable exclusive promotion
// hides every non-exclusive one of lower priority.
import { computeSavings, type PricedLine } from './benefit.ts';
import type { LiveRule } from './compiled-rule.ts';
import type { Facts } from '../conditions/compile-condition.ts';
import type { MaterializedGroups } from './materialized-groups.ts';
import type { PromotionIndex } from './promotion-index.ts';
import type { CartFacts } from './ruleset-facts.ts';

export interface Offer {
  promotionId: string;
  name: string;
  priority: number;
  exclusive: boolean;
  benefit: LiveRule['json']['benefit'];
  /** Amount of the lines the benefit applies to. */
  appliesTo: number;
  savings: number;
}

export type Outcome =
  | { applies: true; offer: Offer }
  | { applies: false; reason: 'dates' | 'conditions' | 'no-savings' };

export function evaluateRule(r: LiveRule, facts: Facts, lines: readonly PricedLine[], products: MaterializedGroups, today: string): Outcome {
  const j = r.json;
  if (j.startDate > today || j.endDate < today) return { applies: false, reason: 'dates' };
  if (r.condition && !r.condition.test(facts)) return { applies: false, reason: 'conditions' };
  const offer = offerFor(r, lines, products);
  return offer ? { applies: true, offer } : { applies: false, reason: 'no-savings' };
}

export function offerFor(r: LiveRule, lines: readonly PricedLine[], products: MaterializedGroups): Offer | undefined {
  const j = r.json;
  const pg = j.benefit.productGroup;
  const members = pg ? products.members.get(pg) : undefined;
  const applicable = pg ? lines.filter((l) => members?.has(l.sku)) : lines;
  if (applicable.length === 0) return undefined;
  const { base, savings } = computeSavings(j.benefit, applicable);
  if (savings <= 0) return undefined;
  return { promotionId: j.id, name: j.name, priority: j.priority, exclusive: j.exclusive, benefit: j.benefit, appliesTo: base, savings };
}

/** Highest savings first; ties by priority, then name, so the order is stable. */
export function rankOffers(offers: Offer[]): Offer[] {
  const topExclusive = offers.filter((o) => o.exclusive).reduce((m, o) => Math.max(m, o.priority), -Infinity);
  const kept = offers.filter((o) => o.exclusive || o.priority >= topExclusive);
  return kept.sort((a, b) => b.savings - a.savings || b.priority - a.priority || a.name.localeCompare(b.name) || a.promotionId.localeCompare(b.promotionId));
}

/**
 * The offers of the candidates from the index, unranked; `skip` leaves one promotion out (a
 * backtest's candidate stands in for its own live version).
 */
export function candidateOffers(index: PromotionIndex, products: MaterializedGroups, storeKey: string, facts: CartFacts, lines: readonly PricedLine[], today: string, skip?: string): Offer[] {
  const offers: Offer[] = [];
  for (const r of index.candidates(storeKey, facts.cart.skus)) {
    if (r.json.id === skip) continue;
    const outcome = evaluateRule(r, facts as unknown as Facts, lines, products, today);
    if (outcome.applies) offers.push(outcome.offer);
  }
  return offers;
}

/**
 * The evaluation path of the service (and of the benchmark): candidates from the index, each
 * evaluated, the offers ranked.
 */
export function evaluateCandidates(index: PromotionIndex, products: MaterializedGroups, storeKey: string, facts: CartFacts, lines: readonly PricedLine[], today: string): Offer[] {
  return rankOffers(candidateOffers(index, products, storeKey, facts, lines, today));
}
