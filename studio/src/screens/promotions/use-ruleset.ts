// Loads what the promotions screens need: the ruleset (the first `rules` definition of the live
// release, or the one named), the entities it names, and the master data the builder offers as
// choices (store groups, product groups, products). Master data comes from the records API.
import { useCallback, useEffect, useState } from 'react';
import { describeError, seg } from '../../api.ts';
import { useStudio, type Api } from '../../studio-context.tsx';
import type { EntityDef, RulesetDef } from './ruleset.ts';

export type Rec = Record<string, unknown> & { id: string; status?: string; version?: number };

/** Every record of an entity, page by page (at most `max`). */
export async function listAll(api: Api, base: string, entity: string, query = '', max = 1000): Promise<Rec[]> {
  const out: Rec[] = [];
  let cursor: string | null = null;
  do {
    const qs = `limit=100${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { items: Rec[]; nextCursor: string | null } = await api.get(`${base}/records/${seg(entity)}?${qs}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}

export interface MasterData {
  storeGroups: Rec[];
  productGroups: Rec[];
  products: Rec[];
  stores: Rec[];
}

export interface RulesetState {
  ruleset?: RulesetDef;
  entity?: EntityDef;
  storeEntity?: EntityDef;
  productEntity?: EntityDef;
  master?: MasterData;
  error?: ReturnType<typeof describeError>;
  reload(): Promise<void>;
}

export function useRuleset(): RulesetState {
  const studio = useStudio();
  const { api, base } = studio;
  const rulesets = studio.definitionsOf<RulesetDef>('rules');
  const ruleset = rulesets[0]?.content;
  const entity = ruleset ? studio.definition<EntityDef>('entity', ruleset.entity) : undefined;
  const storeEntity = ruleset ? studio.definition<EntityDef>('entity', ruleset.stores.entity) : undefined;
  const productEntity = ruleset ? studio.definition<EntityDef>('entity', ruleset.products.entity) : undefined;
  const [master, setMaster] = useState<MasterData>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();

  const reload = useCallback(async () => {
    if (!ruleset) return;
    try {
      const [storeGroups, productGroups, products, stores] = await Promise.all([
        listAll(api, base, ruleset.storeGroups.entity),
        listAll(api, base, ruleset.productGroups.entity),
        listAll(api, base, ruleset.products.entity),
        listAll(api, base, ruleset.stores.entity),
      ]);
      setMaster({ storeGroups, productGroups, products, stores });
    } catch (err) {
      setError(describeError(err));
    }
    // The ruleset object changes identity with every release load; its name and entities do not.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, base, ruleset?.name, ruleset?.storeGroups.entity, ruleset?.productGroups.entity, ruleset?.products.entity, ruleset?.stores.entity]);
  useEffect(() => void reload(), [reload]);

  return { ruleset, entity, storeEntity, productEntity, master, error, reload };
}
