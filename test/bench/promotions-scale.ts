// Third part of npm run bench:promotions: 20, 200 and 2,000 live promotions over 10,000 stores,
// evaluated through the engine's own path (index -> candidates -> evaluate -> rank), against a
// full scan of every promotion. The index keeps the cost per evaluation following what a cart can
// meet, not how many promotions are live.
import type { PricedLine } from '../../engine/promotions/benefit.ts';
import { liveRule, type LiveRule } from '../../engine/promotions/compiled-rule.ts';
import type { RuleCondition } from '../../engine/conditions/compile-condition.ts';
import { evaluateCandidates, evaluateRule, rankOffers, type Offer } from '../../engine/promotions/evaluate-promotions.ts';
import { resolveGroups } from '../../engine/promotions/materialized-groups.ts';
import { buildPromotionIndex } from '../../engine/promotions/promotion-index.ts';
import { cartFacts } from '../../engine/promotions/ruleset-facts.ts';

let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const int = (n: number) => Math.floor(rnd() * n);

const CITIES = Array.from({ length: 50 }, (_, i) => `City${i}`);
const ZONES = ['North', 'South', 'East', 'West', 'Central'];
const DOORS = ['mall', 'high-street', 'flagship', 'kiosk'];
const stores = Array.from({ length: 10_000 }, (_, i) => ({ storeId: `S${i}`, city: CITIES[int(50)]!, zone: ZONES[int(5)]!, doorType: DOORS[int(4)]!, el360: rnd() < 0.5 }));
const products = Array.from({ length: 2000 }, (_, i) => ({ sku: `SKU${i}`, category: i % 2 ? 'lens' : 'frame', brand: `Brand${int(40)}`, family: `F${int(200)}`, mrp: 500 + int(9500) }));

// 100 store groups (a city, or a zone and door type) and 200 product groups (a product family).
const storeGroupDefs = Array.from({ length: 100 }, (_, i) => ({
  code: `SG${i}`,
  filter: i < 50 ? { fact: 'store', path: '$.city', operator: 'equal', value: CITIES[i] } : { all: [{ fact: 'store', path: '$.zone', operator: 'equal', value: ZONES[i % 5] }, { fact: 'store', path: '$.doorType', operator: 'equal', value: DOORS[Math.floor(i / 5) % 4] }] },
}));
const productGroupDefs = Array.from({ length: 200 }, (_, i) => ({ code: `PG${i}`, filter: { fact: 'product', path: '$.family', operator: 'equal', value: `F${i}` } }));
const storeGroups = resolveGroups(stores, storeGroupDefs, { key: 'storeId', fact: 'store' });
const productGroups = resolveGroups(products, productGroupDefs, { key: 'sku', fact: 'product' });
const priceOf = new Map(products.map((p) => [p.sku, p.mrp]));

function promotions(n: number): LiveRule[] {
  return Array.from({ length: n }, (_, i) => {
    const pg = `PG${int(200)}`;
    const condition: RuleCondition = { all: [{ fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: 500 + int(3000) }, { fact: 'groups', path: `$.${pg}.quantity`, operator: 'greaterThanInclusive', value: 1 }] };
    return liveRule({ id: `p${i}`, version: 1, name: `P${i}`, priority: int(10), exclusive: false, startDate: '2026-01-01', endDate: '2026-12-31', condition, benefit: { type: 'percentOff', value: 5 + int(20), productGroup: pg }, storeGroup: `SG${int(100)}`, productGroups: [pg], resolved: { stores: 0, products: 0 } });
  });
}

const carts = Array.from({ length: 4000 }, () => {
  const lines: PricedLine[] = Array.from({ length: 5 }, () => {
    const sku = `SKU${int(2000)}`;
    return { sku, quantity: 1 + int(2), price: priceOf.get(sku)! };
  });
  return { store: stores[int(10_000)]!, lines };
});

function measure(ms: number, fn: (c: (typeof carts)[number]) => Offer[]): number {
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 200; i++) sink += fn(carts[n++ % carts.length]!).length;
  }
  const us = ((performance.now() - t0) * 1000) / n;
  if (sink < 0) console.log(sink);
  return us;
}

export function benchScale(ms = Number(process.env.BENCH_MS ?? 3000)): void {
  console.log('\npromotions benchmark (scale): 10,000 stores in 100 store groups, 2,000 SKUs in 200 product groups, 5-item carts');
  console.log('live promotions   indexed µs/eval   full scan µs/eval   candidates/eval   offers/eval');
  let first = 0;
  for (const n of [20, 200, 2000]) {
    const rules = promotions(n);
    const index = buildPromotionIndex(rules, storeGroups, productGroups);
    const factsOf = (c: (typeof carts)[number]) => cartFacts(c.lines, c.store, undefined, (sku) => productGroups.groupsOf.get(sku) ?? [], index.groupCodes);
    const indexed = (c: (typeof carts)[number]) => evaluateCandidates(index, productGroups, c.store.storeId, factsOf(c), c.lines, '2026-11-23');
    const scan = (c: (typeof carts)[number]) => {
      const facts = factsOf(c);
      const offers: Offer[] = [];
      for (const r of rules) {
        if (!storeGroups.members.get(r.json.storeGroup)!.has(c.store.storeId)) continue;
        const o = evaluateRule(r, facts as never, c.lines, productGroups, '2026-11-23');
        if (o.applies) offers.push(o.offer);
      }
      return rankOffers(offers);
    };
    // Both must find the same offers before either is timed.
    for (const c of carts.slice(0, 300)) if (JSON.stringify(indexed(c)) !== JSON.stringify(scan(c))) throw new Error('the index and the full scan disagree');
    let candidates = 0;
    let offers = 0;
    for (const c of carts) {
      candidates += index.candidates(c.store.storeId, c.lines.map((l) => l.sku)).length;
      offers += indexed(c).length;
    }
    measure(300, indexed);
    const a = measure(ms / 2, indexed);
    const b = measure(ms / 2, scan);
    first ||= a;
    console.log(`${String(n).padStart(15)}   ${a.toFixed(2).padStart(15)}   ${b.toFixed(2).padStart(17)}   ${(candidates / carts.length).toFixed(2).padStart(15)}   ${(offers / carts.length).toFixed(2).padStart(11)}`);
    if (n === 2000) console.log(`100x the promotions (20 -> 2,000) cost ${(a / first).toFixed(2)}x per indexed evaluation (linear would be 100x)`);
  }
}
