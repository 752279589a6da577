// Second part of npm run bench:promotions: POST /promopartner/v1/promotions/evaluate with 20 live
// promotions against the bare JSON echo of the same server, same bodies, alternating rounds.
import os from 'node:os';
import type autocannon from 'autocannon';
import { json, run, startServer } from './bench-server.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 12);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const CITIES = ['Chennai', 'Delhi', 'Pune', 'Mumbai', 'Kolkata'];
const ZONES = ['South', 'North', 'West', 'West', 'East'];

export async function benchEvaluateOverHttp(): Promise<void> {
  const server = await startServer();
  try {
    const base = `${server.base}/promopartner/v1`;
    const otp = await json(`${base}/auth/otp/request`, 'POST', { phone: '9000000001' });
    const token = (await json(`${base}/auth/otp/verify`, 'POST', { otpId: otp.otpId, code: '123456' })).accessToken as string;
    const post = (path: string, body: unknown) => json(`${base}${path}`, 'POST', body, token);
    for (let i = 0; i < 100; i++) {
      await post('/stores', { storeId: `B${String(i).padStart(3, '0')}`, name: `Store ${i}`, city: CITIES[i % 5], zone: ZONES[i % 5], el360: i % 2 === 0, doorType: i % 3 ? 'mall' : 'high-street' });
    }
    for (let i = 0; i < 40; i++) {
      const lens = i % 2 === 0;
      await post('/products', { sku: `P${String(i).padStart(3, '0')}`, name: `Product ${i}`, category: lens ? 'lens' : 'frame', brand: ['A', 'B', 'C'][i % 3], mrp: 1000 + 250 * i, ...(lens ? { coating: i % 4 ? 'blue-cut' : 'anti-glare' } : { frameMaterial: i % 3 ? 'metal' : 'acetate' }) });
    }
    const eq = (fact: string, field: string, value: unknown) => ({ fact, path: `$.${field}`, operator: 'equal', value });
    const storeGroups = [['ALL', { fact: 'store', path: '$.storeId', operator: 'notEqual', value: '' }], ['SOUTH', eq('store', 'zone', 'South')], ['WEST', eq('store', 'zone', 'West')], ['EL360', eq('store', 'el360', true)], ['MALLS', eq('store', 'doorType', 'mall')]] as const;
    for (const [code, filter] of storeGroups) await post('/store-groups', { code, name: code, filter });
    const productGroups = [['LENSES', eq('product', 'category', 'lens')], ['FRAMES', eq('product', 'category', 'frame')], ['BLUECUT', eq('product', 'coating', 'blue-cut')], ['METAL', eq('product', 'frameMaterial', 'metal')], ['BRAND_A', eq('product', 'brand', 'A')]] as const;
    for (const [code, filter] of productGroups) await post('/product-groups', { code, name: code, filter });
    const today = new Date().toISOString().slice(0, 10);
    const end = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const benefits = [{ type: 'percentOff', value: 10, cap: 800 }, { type: 'flatOff', value: 500 }, { type: 'buyXGetY', buy: 1, get: 1 }, { type: 'fixedPrice', value: 2000 }];
    for (let i = 0; i < 20; i++) {
      const promo = await post('/promotions', {
        name: `Bench ${i}`,
        storeGroupCode: storeGroups[i % 5]![0],
        benefit: { ...benefits[i % 4], productGroup: productGroups[(i * 3) % 5]![0] },
        conditions: { all: [{ fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: 1000 + 500 * (i % 6) }, { any: [{ fact: 'groups', path: `$.${productGroups[i % 5]![0]}.quantity`, operator: 'greaterThanInclusive', value: 1 }, { fact: 'store', path: '$.city', operator: 'in', value: CITIES.slice(0, 1 + (i % 4)) }] }] },
        startDate: today,
        endDate: end,
        priority: i,
      });
      await json(`${base}/promotions/${promo.id}/activate`, 'PUT', {}, token);
    }
    const bodies = Array.from({ length: 8 }, (_, k) => JSON.stringify({ storeId: `B${String(k * 11).padStart(3, '0')}`, items: Array.from({ length: 5 }, (_, j) => ({ sku: `P${String((k * 7 + j * 5) % 40).padStart(3, '0')}`, quantity: 1 + ((k + j) % 2) })) }));
    const check = (await json(`${base}/promotions/evaluate`, 'POST', JSON.parse(bodies[0]!), token)) as { promotions: unknown[] };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const requests = (path: string) => bodies.map((body) => ({ method: 'POST' as const, path, headers, body }));
    const evalRun = (duration: number) => run({ url: server.base, connections: CONNECTIONS, duration, requests: requests('/promopartner/v1/promotions/evaluate') });
    const echoRun = (duration: number) => run({ url: server.base, connections: CONNECTIONS, duration, requests: requests('/_echo') });
    await echoRun(2);
    await evalRun(2);
    const slice = Math.max(2, Math.round(DURATION / ROUNDS));
    const echoes: autocannon.Result[] = [];
    const evals: autocannon.Result[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      echoes.push(await echoRun(slice));
      evals.push(await evalRun(slice));
    }
    const rate = (rs: autocannon.Result[]) => rs.reduce((n, r) => n + r.requests.total, 0) / (rs.length * slice);
    const p99 = (rs: autocannon.Result[]) => Math.max(...rs.map((r) => r.latency.p99));
    const failed = (rs: autocannon.Result[]) => rs.reduce((n, r) => n + r.non2xx + r.errors, 0);
    console.log(`\npromotions benchmark (HTTP): 20 live promotions, 100 stores, 5-item carts (${check.promotions.length} offers on the first), ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${slice} s, ${os.cpus().length} cores`);
    console.log(`${'(a) POST /_echo'.padEnd(44)} ${rate(echoes).toFixed(0).padStart(7)} req/s   p99 ${String(p99(echoes)).padStart(4)} ms   failed ${failed(echoes)}`);
    console.log(`${'(b) POST /promopartner/v1/promotions/evaluate'.padEnd(44)} ${rate(evals).toFixed(0).padStart(7)} req/s   p99 ${String(p99(evals)).padStart(4)} ms   failed ${failed(evals)}`);
    console.log(`per round b/a: ${evals.map((m, i) => (m.requests.total / echoes[i]!.requests.total).toFixed(3)).join(', ')}`);
    console.log(`ratio b/a: ${(rate(evals) / rate(echoes)).toFixed(3)} (goal >= 0.7)`);
    if (failed(evals)) {
      console.error('some evaluations failed: the figures above are not valid');
      process.exitCode = 1;
    }
  } finally {
    await server.stop();
  }
}
