// The live promotions of one app, indexed so that an evaluation only looks at promotions that can
// apply: those whose store group holds the store, and (when the benefit is limited to a product
// group) whose group holds at least one SKU of the cart. Everything else is never touched, so the
// cost follows the promotions a cart can meet rather than how many are live.
import type { LiveRule } from './compiled-rule.ts';
import type { MaterializedGroups } from './materialized-groups.ts';

export interface PromotionIndex {
  rules: readonly LiveRule[];
  /** Product group codes any rule reads: they read 0 when the cart has none of them. */
  groupCodes: readonly string[];
  candidates(storeKey: string, skus: readonly string[]): LiveRule[];
}

const ANY = '\u0000any';

export function buildPromotionIndex(rules: readonly LiveRule[], stores: MaterializedGroups, products: MaterializedGroups): PromotionIndex {
  // store group -> benefit product group (or ANY) -> rules
  const index = new Map<string, Map<string, LiveRule[]>>();
  const codes = new Set<string>();
  for (const r of rules) {
    r.json.productGroups.forEach((c) => codes.add(c));
    const byProduct = index.get(r.json.storeGroup) ?? index.set(r.json.storeGroup, new Map()).get(r.json.storeGroup)!;
    const pg = r.json.benefit.productGroup ?? ANY;
    (byProduct.get(pg) ?? byProduct.set(pg, []).get(pg)!).push(r);
  }
  return {
    rules,
    groupCodes: [...codes],
    candidates(storeKey, skus) {
      const storeGroups = stores.groupsOf.get(storeKey);
      if (!storeGroups) return [];
      // The product groups the cart touches, from the (few) SKUs in it.
      const cartGroups = new Set<string>([ANY]);
      for (const sku of skus) for (const g of products.groupsOf.get(sku) ?? []) cartGroups.add(g);
      const out: LiveRule[] = [];
      for (const sg of storeGroups) {
        const byProduct = index.get(sg);
        if (!byProduct) continue;
        for (const pg of cartGroups) {
          const list = byProduct.get(pg);
          if (list) for (const r of list) out.push(r);
        }
      }
      return out;
    },
  };
}
