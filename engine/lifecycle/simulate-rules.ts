// A promotion ruleset over one cart, with the promotions given as authored: each one explained as
// the test console explains it (test-console.ts: every condition's result and the fact value it
// read, its store group, dates, savings) and the applicable ones ranked as evaluation ranks them.
// The stores, products and groups are the ones the request describes, so no database is read: a
// simulation says what these promotions do to this cart, not which stored groups hold it.
import { AppError } from '../errors/app-error.ts';
import type { Benefit } from '../promotions/benefit.ts';
import type { RuleContext } from '../promotions/check-rule-record.ts';
import { liveRule, skusInCondition } from '../promotions/compiled-rule.ts';
import { offerFor, rankOffers, type Offer } from '../promotions/evaluate-promotions.ts';
import type { MaterializedGroups } from '../promotions/materialized-groups.ts';
import { cartFacts } from '../promotions/ruleset-facts.ts';
import { explainPromotion, type ConsoleResult } from '../promotions/test-console.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { RulesSimulation } from '../registry/definition-types.ts';

export interface RulesAnswer {
  kind: 'rules';
  ruleset: string;
  today: string;
  /** The applicable promotions, highest savings first (an exclusive one hides those of lower priority). */
  offers: { promotion: string; name: string; savings: number; priority: number; exclusive: boolean }[];
  /** Every promotion given, explained; `promotion` is its place in the request. */
  promotions: (Omit<ConsoleResult, 'promotionId'> & { promotion: string })[];
  assumptions: string;
}

const DEFAULT_STORE = 'STORE';
// A group code as the group entities' `code` format allows: never a name an object already has.
const CODE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const ASSUMPTIONS =
  'Stores, products and their groups are as the request describes them (the stored ones are not read); each promotion is judged as if it were in the first state the ruleset evaluates.';

/**
 * The product group codes a condition reads (groups.<CODE>.quantity), walked defensively: the
 * condition is authored input not yet checked (compiled-rule.ts's walker expects a checked one).
 */
function groupsRead(c: unknown, out: Set<string>): Set<string> {
  if (!c || typeof c !== 'object') return out;
  const o = c as Record<string, unknown>;
  for (const g of ['all', 'any'] as const) if (Array.isArray(o[g])) (o[g] as unknown[]).forEach((x) => groupsRead(x, out));
  if (o.not) groupsRead(o.not, out);
  if (o.fact === 'groups' && typeof o.path === 'string') {
    const code = o.path.replace(/^\$\./, '').split('.')[0];
    if (code && CODE.test(code)) out.add(code);
  }
  return out;
}

/** Groups as materialize-groups.ts builds them, from members that name their groups. */
function groupsOf(keyField: string, members: ReadonlyMap<string, { data: Record<string, unknown>; groups: readonly string[] }>, codes: Iterable<string>): MaterializedGroups {
  const byCode = new Map<string, Set<string>>([...codes].map((c) => [c, new Set<string>()]));
  for (const [key, m] of members) for (const g of m.groups) (byCode.get(g) ?? byCode.set(g, new Set()).get(g)!).add(key);
  return {
    members: byCode,
    groupsOf: new Map([...members].map(([key, m]) => [key, [...new Set(m.groups)]])),
    records: new Map([...members].map(([key, m]) => [key, { ...m.data, [keyField]: key }])),
    canonical: new Map([...members.keys()].map((k) => [k.toLowerCase(), k])),
  };
}

export function simulateRules(app: CompiledApp, req: RulesSimulation, now: Date): RulesAnswer {
  const rs = app.rulesets.get(req.ruleset);
  if (!rs) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.ruleset', message: `Ruleset "${req.ruleset}" is not defined in this app` }] });
  const f = rs.fields;
  const today = req.today ?? now.toISOString().slice(0, 10);
  const promotions = req.promotions;

  // Every group and SKU the promotions name exists, as far as this simulation knows: only the
  // cart's items and the store say what is in them.
  const productCodes = new Set<string>();
  const storeCodes = new Set<string>(req.cart.store?.groups ?? []);
  const products = new Map<string, { data: Record<string, unknown>; groups: string[] }>();
  for (const item of req.cart.items) {
    const known = products.get(item.sku);
    products.set(item.sku, { data: {}, groups: [...(known?.groups ?? []), ...(item.groups ?? [])] });
    (item.groups ?? []).forEach((g) => productCodes.add(g));
  }
  for (const p of promotions) {
    groupsRead(p[f.conditions], productCodes);
    const pg = (p[f.benefit] as { productGroup?: unknown } | undefined)?.productGroup;
    if (typeof pg === 'string' && CODE.test(pg)) productCodes.add(pg);
    for (const { sku } of skusInCondition(p[f.conditions], '$')) if (!products.has(sku)) products.set(sku, { data: {}, groups: [] });
    const sg = p[f.storeGroup];
    if (typeof sg === 'string' && CODE.test(sg)) storeCodes.add(sg);
  }
  const storeKey = req.cart.store?.key ?? DEFAULT_STORE;
  const attributes = req.cart.store?.attributes ?? {};
  const rc: RuleContext = {
    ruleset: rs,
    storeFields: app.entities.get(rs.stores.entity)?.fields ?? {},
    stores: groupsOf(rs.stores.key, new Map([[storeKey, { data: attributes, groups: req.cart.store?.groups ?? [] }]]), storeCodes),
    products: groupsOf(rs.products.key, products, productCodes),
  };

  const lines = req.cart.items.map((i) => ({ sku: i.sku, quantity: i.quantity, price: i.price }));
  const facts = cartFacts(lines, { ...attributes, [rs.stores.key]: storeKey }, req.cart.customerId, (sku) => rc.products.groupsOf.get(sku) ?? [], [...productCodes]);
  const state = rs.evaluatedIn[0]!;
  const under = { code: storeKey, members: new Set([storeKey]), store: storeKey };
  const explained = promotions.map((data, i) => explainPromotion(rc, { id: `$.promotions[${i}]`, version: 1, state, data }, { facts, lines, today, storeGroup: under }));

  const offers: Offer[] = [];
  explained.forEach((r, i) => {
    if (!r.eligible) return;
    const d = promotions[i]!;
    const rule = liveRule({
      id: r.promotionId,
      version: 1,
      name: r.name,
      priority: typeof d[f.priority ?? ''] === 'number' ? (d[f.priority!] as number) : 0,
      exclusive: d[f.exclusive ?? ''] === true,
      startDate: String(d[f.startDate]),
      endDate: String(d[f.endDate]),
      condition: null,
      benefit: d[f.benefit] as Benefit,
      storeGroup: r.storeGroup.code,
      productGroups: [],
      resolved: { stores: 0, products: 0 },
    });
    const offer = offerFor(rule, lines, rc.products);
    if (offer) offers.push(offer);
  });

  return {
    kind: 'rules',
    ruleset: rs.name,
    today,
    offers: rankOffers(offers).map((o) => ({ promotion: o.promotionId, name: o.name, savings: o.savings, priority: o.priority, exclusive: o.exclusive })),
    // A fact the cart does not have reads as null: an answer says it, rather than leaving the value out.
    promotions: explained.map(({ promotionId, ...r }) => ({ promotion: promotionId, ...r, conditions: { ...r.conditions, leaves: r.conditions.leaves.map((l) => ({ ...l, factValue: l.factValue ?? null })) } })),
    assumptions: ASSUMPTIONS,
  };
}
