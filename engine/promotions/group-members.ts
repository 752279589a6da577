// Store and product groups with the members they resolve to right now (§4.8 "membership updates
// automatically"): the same resolution evaluation uses, shown to people who author groups and
// promotions. A caller whose store reads are scoped sees only their own stores among the members.
import type { RulesDef } from '../registry/definition-types.ts';
import type { MaterializedGroups } from './materialized-groups.ts';

export interface GroupMembers {
  code: string;
  /** Member keys (store ids, SKUs), sorted. */
  members: string[];
  /** How many members the group has in all (also those outside the caller's scope). */
  total: number;
}

export interface RulesetGroups {
  storeGroups: GroupMembers[];
  productGroups: GroupMembers[];
}

const view = (g: MaterializedGroups, visible?: ReadonlySet<string>): GroupMembers[] =>
  [...g.members].map(([code, set]) => ({ code, members: [...set].filter((k) => !visible || visible.has(k)).sort(), total: set.size }));

/** `visibleStores`: the stores the caller may see (undefined: all). */
export function groupMembers(_rs: RulesDef, g: { stores: MaterializedGroups; products: MaterializedGroups }, visibleStores?: ReadonlySet<string>): RulesetGroups {
  return { storeGroups: view(g.stores, visibleStores), productGroups: view(g.products) };
}
