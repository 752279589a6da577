// npm run bench:backtest: a promotion backtest over N stored transactions (10,000 by default,
// spread over the last 30 days, written straight into the database by one INSERT ... SELECT),
// against, in the same run and in alternating rounds, (a) a plain evaluation of the same carts
// through the engine's index (engine.rules.evaluate, in process, no HTTP) and (b) only reading the
// rows the way the backtest does. Prints transactions/s, wall times and the ratio backtest / (a).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog, migrate, startEmbeddedPostgres, type Actor } from '../../engine/index.ts';
import { pricedTransactions } from '../../engine/promotions/priced-transactions.ts';
import { freePort } from '../support/free-port.ts';

const N = Number(process.env.BENCH_TRANSACTIONS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DAYS = 30;
const GOAL_MS = 10_000;
const ROOT = path.resolve(import.meta.dirname, '../..');
const APP = 'promopartner';
const logger = createLogger('warn');
const DAY_MS = 86_400_000;
const dateOf = (t: number) => new Date(t).toISOString().slice(0, 10);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-bench-backtest-'));
chmodSync(dataDir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'bench', logger });
await migrate(pg.url);
const db = createDatabase(pg.url);
const engine = await createEngine({ db, plugins: await loadPluginCatalog(path.join(ROOT, 'plugins')), definitionsDir: path.join(ROOT, 'definitions'), dataDir, production: false, logger });
const admin: Actor = { id: 'bench-admin', app: APP, role: 'admin' };

try {
  // Master data and 20 live promotions through the services, as the HTTP benchmark sets them up.
  const create = async (entity: string, body: object) => (await engine.records.create({ app: APP, entity }, admin, body)).data as { id: string };
  const CITIES = ['Chennai', 'Delhi', 'Pune', 'Mumbai', 'Kolkata'];
  const ZONES = ['South', 'North', 'West', 'West', 'East'];
  for (let i = 0; i < 100; i++) await create('store', { storeId: `B${String(i).padStart(3, '0')}`, name: `Store ${i}`, city: CITIES[i % 5], zone: ZONES[i % 5], el360: i % 2 === 0, doorType: i % 3 ? 'mall' : 'high-street' });
  for (let i = 0; i < 40; i++) {
    const lens = i % 2 === 0;
    await create('product', { sku: `P${String(i).padStart(3, '0')}`, name: `Product ${i}`, category: lens ? 'lens' : 'frame', brand: ['A', 'B', 'C'][i % 3], mrp: 1000 + 250 * i, ...(lens ? { coating: i % 4 ? 'blue-cut' : 'anti-glare' } : { frameMaterial: i % 3 ? 'metal' : 'acetate' }) });
  }
  const eq = (fact: string, field: string, value: unknown) => ({ fact, path: `$.${field}`, operator: 'equal', value });
  const storeGroups = [['ALL', { fact: 'store', path: '$.storeId', operator: 'notEqual', value: '' }], ['SOUTH', eq('store', 'zone', 'South')], ['WEST', eq('store', 'zone', 'West')], ['EL360', eq('store', 'el360', true)], ['MALLS', eq('store', 'doorType', 'mall')]] as const;
  for (const [code, filter] of storeGroups) await create('store-group', { code, name: code, filter });
  const productGroups = [['LENSES', eq('product', 'category', 'lens')], ['FRAMES', eq('product', 'category', 'frame')], ['BLUECUT', eq('product', 'coating', 'blue-cut')], ['METAL', eq('product', 'frameMaterial', 'metal')], ['BRAND_A', eq('product', 'brand', 'A')]] as const;
  for (const [code, filter] of productGroups) await create('product-group', { code, name: code, filter });
  const now = Date.now();
  const today = dateOf(now);
  const benefits = [{ type: 'percentOff', value: 10, cap: 800 }, { type: 'flatOff', value: 500 }, { type: 'buyXGetY', buy: 1, get: 1 }, { type: 'fixedPrice', value: 2000 }];
  let priced = '';
  for (let i = 0; i < 20; i++) {
    const promo = await create('promotion', {
      name: `Bench ${i}`,
      storeGroupCode: storeGroups[i % 5]![0],
      benefit: { ...benefits[i % 4], productGroup: productGroups[(i * 3) % 5]![0] },
      conditions: { all: [{ fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: 1000 + 500 * (i % 6) }, { any: [{ fact: 'groups', path: `$.${productGroups[i % 5]![0]}.quantity`, operator: 'greaterThanInclusive', value: 1 }, { fact: 'store', path: '$.city', operator: 'in', value: CITIES.slice(0, 1 + (i % 4)) }] }] },
      startDate: dateOf(now - 40 * DAY_MS),
      endDate: dateOf(now + 30 * DAY_MS),
      priority: i,
      ...(i % 7 === 3 ? { exclusive: true } : {}),
    });
    await engine.transitions.fire({ app: APP, entity: 'promotion' }, admin, promo.id, 'activate', {});
    priced ||= promo.id;
  }

  // N transactions in one statement: 2-4 lines each at list price, at one of the 100 stores, over
  // the last 30 days. The same carts are rebuilt below for the baseline.
  const t0 = performance.now();
  await db.sql.query(
    `INSERT INTO records (id, app, entity, state, version, data, scope_tags, created_by, created_at, updated_at)
     SELECT gen_random_uuid(), $1, 'transaction', 'New', 1,
            jsonb_build_object('requestId', gen_random_uuid(), 'promotionId', $2::text, 'storeId', s.store, 'items', c.items, 'grossAmount', c.gross, 'discountAmount', 0, 'netAmount', c.gross),
            ARRAY['storeId:' || s.store], 'bench', t.at, t.at
     FROM generate_series(0, $3::int - 1) AS i
     CROSS JOIN LATERAL (SELECT 'B' || lpad(((i * 37) % 100)::text, 3, '0') AS store) s
     CROSS JOIN LATERAL (SELECT $4::timestamptz - (i % ${DAYS}) * interval '1 day' + (i * 7919 % 86000) * interval '1 second' AS at) t
     CROSS JOIN LATERAL (
       SELECT jsonb_agg(jsonb_build_object('sku', 'P' || lpad(k::text, 3, '0'), 'quantity', q, 'price', 1000 + 250 * k) ORDER BY j) AS items, sum((1000 + 250 * k) * q) AS gross
       FROM (SELECT j, (i * 7 + j * 5) % 40 AS k, 1 + (i + j) % 2 AS q FROM generate_series(0, i % 3 + 1) AS j) l
     ) c`,
    [APP, priced, N, `${today}T00:00:00Z`],
  );
  const seeded = performance.now() - t0;
  const carts = Array.from({ length: N }, (_, i) => ({
    storeId: `B${String((i * 37) % 100).padStart(3, '0')}`,
    items: Array.from({ length: (i % 3) + 2 }, (_, j) => ({ sku: `P${String((i * 7 + j * 5) % 40).padStart(3, '0')}`, quantity: 1 + ((i + j) % 2) })),
  }));

  const candidate = {
    name: 'Bench candidate',
    conditions: { all: [{ fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: 3000 }, { fact: 'groups', path: '$.LENSES.quantity', operator: 'greaterThanInclusive', value: 1 }] },
    benefit: { type: 'percentOff', value: 40, cap: 6000, productGroup: 'LENSES' },
    storeGroupCode: 'SOUTH',
    startDate: dateOf(now - 40 * DAY_MS),
    endDate: dateOf(now + 10 * DAY_MS),
    priority: 12,
  };
  const backtest = () => engine.rules.backtest(APP, 'promotions', admin, { promotion: candidate, days: DAYS });
  const evaluateAll = async () => {
    let offers = 0;
    for (const cart of carts) offers += (await engine.rules.evaluate(APP, 'promotions', admin, cart)).promotions.length;
    return offers;
  };
  const readAll = async () => {
    let rows = 0;
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - (DAYS - 1) * DAY_MS);
    const pricing = engine.registry().apps.get(APP)!.rulesets.get('promotions')!.pricing!;
    for await (const page of pricedTransactions(db.sql, { app: APP, pricing, from, until: new Date(from.getTime() + DAYS * DAY_MS) })) rows += page.length;
    return rows;
  };
  const timed = async <T>(fn: () => Promise<T>) => {
    const start = performance.now();
    const value = await fn();
    return { ms: performance.now() - start, value };
  };

  // Warm-up (groups, the index, prepared plans), and the checks: every transaction seen, twice identical.
  const first = await backtest();
  const again = await backtest();
  if (JSON.stringify(first) !== JSON.stringify(again)) throw new Error('Two backtests on the same data differ');
  if (first.totals.transactions !== N) throw new Error(`The backtest saw ${first.totals.transactions} of ${N} transactions`);
  await evaluateAll();

  const runs = { evaluate: [] as number[], read: [] as number[], backtest: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.evaluate.push((await timed(evaluateAll)).ms);
    const read = await timed(readAll);
    if (read.value !== N) throw new Error(`Read ${read.value} of ${N} transactions`);
    runs.read.push(read.ms);
    runs.backtest.push((await timed(backtest)).ms);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const perSecond = (ms: number) => ((N * 1000) / ms).toFixed(0).padStart(8);
  const line = (label: string, xs: number[], unit: string) => `${label.padEnd(72)} ${perSecond(median(xs))} ${unit}/s   wall ${median(xs).toFixed(0).padStart(6)} ms   (rounds: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
  const n = N.toLocaleString('en-US');
  console.log(`\nbacktest benchmark: ${n} transactions over ${DAYS} days (seeded in ${seeded.toFixed(0)} ms), 100 stores, 40 products, 20 live promotions, ${ROUNDS} alternating rounds, ${os.cpus().length} cores, medians`);
  console.log(line(`(a) evaluate the same ${n} carts through the index (engine.rules.evaluate)`, runs.evaluate, 'carts'));
  console.log(line('(b) read the transactions only (keyset pages of 1,000, one snapshot)', runs.read, 'rows'));
  console.log(line('(c) backtest: read + the candidate + ranking against the live promotions', runs.backtest, 'tx'));
  console.log(`ratio c/a (throughput): ${(median(runs.evaluate) / median(runs.backtest)).toFixed(3)}   c/b: ${(median(runs.read) / median(runs.backtest)).toFixed(3)}`);
  console.log(`backtest wall ${median(runs.backtest).toFixed(0)} ms (goal <= ${GOAL_MS} ms): ${median(runs.backtest) <= GOAL_MS ? 'met' : 'MISSED'}`);
  const { outranked, hidden, alone } = first.ranking;
  console.log(`candidate: ${first.ranking.summary} (outranked ${outranked}, hidden by an exclusive one ${hidden}, alone ${alone}); ${first.totals.discount.toLocaleString('en-US')} off; two runs identical`);
  if (median(runs.backtest) > GOAL_MS) process.exitCode = 1;
} finally {
  await closeDatabase(db);
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
