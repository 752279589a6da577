// npm run bench:promotions, in one run: (1) engine level: 20 promotions' eligibility conditions on
// 5-item carts, evaluated by the compiled closures, by json-rules-engine and by the same rules
// hand-written in TypeScript, in one process; (2) scale: 20/200/2,000 live promotions over 10,000
// stores (promotions-scale.ts); (3) HTTP: the evaluate route against the echo (promotions-http.ts).
import { Engine } from 'json-rules-engine';
import { compileCondition, type Facts, type RuleCondition } from '../../engine/conditions/compile-condition.ts';
import { checkCondition, factSetCatalog, type FactSet } from '../../engine/conditions/check-condition.ts';
import { addCustomOperators } from '../../engine/conditions/operators.ts';
import { getPath } from '../../engine/support/object-path.ts';

const FACTS: FactSet = {
  cart: { total: 'number', quantity: 'number', skus: 'string[]', brands: 'string[]' },
  store: { storeId: 'string', city: 'string', zone: 'string', el360: 'boolean' },
  customer: { isNew: 'boolean', visits: 'number' },
};
const CITIES = ['Pune', 'Mumbai', 'Delhi', 'Chennai', 'Kolkata'];
const BRANDS = ['Rayban', 'Vogue', 'Titan', 'Fastrack'];
const SKU = (i: number) => `SKU-${String(i).padStart(4, '0')}`;

// A deterministic generator, so that every run measures the same work.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;

interface CartFacts {
  cart: { total: number; quantity: number; skus: string[]; brands: string[] };
  store: { storeId: string; city: string; zone: string; el360: boolean };
  customer: { isNew: boolean; visits: number };
}

interface Promo {
  condition: RuleCondition;
  hand: (f: CartFacts) => boolean;
}

function promotion(i: number): Promo {
  const minTotal = 1000 + (i % 5) * 1500;
  const cities = [pick(CITIES), pick(CITIES)];
  const skus = Array.from({ length: 6 }, () => SKU(Math.floor(rnd() * 200)));
  const brand = pick(BRANDS);
  const minQty = 1 + (i % 3);
  return {
    condition: {
      all: [
        { fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: minTotal },
        { fact: 'store', path: '$.city', operator: 'in', value: cities },
        { any: [{ fact: 'cart', path: '$.skus', operator: 'containsAny', value: skus }, { fact: 'cart', path: '$.brands', operator: 'contains', value: brand }] },
        { fact: 'cart', path: '$.quantity', operator: 'greaterThanInclusive', value: minQty },
        { not: { fact: 'customer', path: '$.visits', operator: 'greaterThan', value: 40 } },
      ],
    },
    hand: (f) =>
      f.cart.total >= minTotal &&
      cities.includes(f.store.city) &&
      (skus.some((s) => f.cart.skus.includes(s)) || f.cart.brands.includes(brand)) &&
      f.cart.quantity >= minQty &&
      !(f.customer.visits > 40),
  };
}

function cartFacts(): Facts & CartFacts {
  const items = Array.from({ length: 5 }, () => ({ sku: SKU(Math.floor(rnd() * 200)), brand: pick(BRANDS), quantity: 1 + Math.floor(rnd() * 3), price: 200 + Math.floor(rnd() * 3000) }));
  return {
    cart: { total: items.reduce((t, x) => t + x.price * x.quantity, 0), quantity: items.reduce((q, x) => q + x.quantity, 0), skus: [...new Set(items.map((x) => x.sku))], brands: [...new Set(items.map((x) => x.brand))] },
    store: { storeId: 'S001', city: pick(CITIES), zone: 'W', el360: rnd() > 0.5 },
    customer: { isNew: rnd() > 0.7, visits: Math.floor(rnd() * 50) },
  };
}

const promos = Array.from({ length: 20 }, (_, i) => promotion(i));
for (const p of promos) if (checkCondition(p.condition, factSetCatalog(FACTS)).length) throw new Error('a generated promotion does not validate');
const carts = Array.from({ length: 2000 }, cartFacts);
const compiled = promos.map((p) => compileCondition(p.condition));

const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: (v: unknown, p: string) => getPath(v, p) });
addCustomOperators(engine);
promos.forEach((p, i) => engine.addRule({ name: `p${i}`, conditions: p.condition as never, event: { type: `p${i}` } }));

// The three must agree before any of them is timed.
for (const cart of carts.slice(0, 200)) {
  const a = compiled.map((c) => c.test(cart));
  const b = promos.map((p) => p.hand(cart));
  const { events } = await engine.run({ ...cart });
  const c = promos.map((_, i) => events.some((e) => e.type === `p${i}`));
  if (a.join() !== b.join() || a.join() !== c.join()) throw new Error('compiled, hand-written and json-rules-engine disagree');
}

let blackhole = 0;

async function rate(label: string, minMs: number, evaluate: (cart: (typeof carts)[number]) => unknown | Promise<unknown>): Promise<number> {
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    for (const cart of carts) {
      const r = evaluate(cart);
      if (r instanceof Promise) await r;
      else if (r) sink++;
      n++;
    }
  }
  const perSecond = (n / (performance.now() - t0)) * 1000;
  if (label) console.log(`${label.padEnd(22)} ${perSecond.toFixed(0).padStart(10)} carts/s  (20 promotions each)`);
  blackhole += sink; // keeps the results alive, so the work cannot be optimised away
  return perSecond;
}

const ms = Number(process.env.BENCH_MS ?? 3000);
console.log(`\npromotions benchmark (engine level): 20 promotions, 5-item carts, ${carts.length} distinct carts`);
await rate('', 500, (cart) => compiled.map((c) => c.test(cart))); // warm-up
await rate('', 500, (cart) => promos.map((p) => p.hand(cart)));
// Hand-written and compiled alternate in rounds, so machine noise weighs on both alike.
const rounds = 3;
let hand = 0;
let comp = 0;
for (let r = 0; r < rounds; r++) {
  hand += (await rate('', ms / rounds, (cart) => promos.filter((p) => p.hand(cart)).length)) / rounds;
  comp += (await rate('', ms / rounds, (cart) => compiled.filter((c) => c.test(cart)).length)) / rounds;
}
console.log(`${'hand-written TS'.padEnd(22)} ${hand.toFixed(0).padStart(10)} carts/s  (20 promotions each)`);
console.log(`${'compiled closures'.padEnd(22)} ${comp.toFixed(0).padStart(10)} carts/s`);
const jre = await rate('json-rules-engine', ms, (cart) => engine.run({ ...cart }));
console.log(`compiled / json-rules-engine: ${(comp / jre).toFixed(0)}x (goal >= 100x)`);
console.log(`compiled / hand-written:      ${(comp / hand).toFixed(2)}x (goal >= 0.5x)`);
if (blackhole < 0) console.log(blackhole);

// Scale (in process) and HTTP (a real server) parts of the same run.
const { benchScale } = await import('./promotions-scale.ts');
benchScale(ms);
if (process.env.BENCH_SKIP_HTTP !== '1') {
  const { benchEvaluateOverHttp } = await import('./promotions-http.ts');
  await benchEvaluateOverHttp();
}
