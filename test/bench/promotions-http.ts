// Second part of npm run bench:promotions: POST /promopartner/v1/promotions/evaluate with 20 live
// promotions against the bare JSON echo of the same server, same bodies, alternating rounds.
import { compareWithEcho, json, run, startServer } from './bench-server.ts';

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
    const failed = await compareWithEcho({
      title: `promotions benchmark (HTTP): 20 live promotions, 100 stores, 5-item carts (${check.promotions.length} offers on the first), ${CONNECTIONS} connections`,
      echo: echoRun,
      route: evalRun,
      routeLabel: 'POST /promopartner/v1/promotions/evaluate',
      seconds: DURATION,
      rounds: ROUNDS,
      goal: 0.7,
    });
    if (failed) {
      console.error('some evaluations failed: the figures above are not valid');
      process.exitCode = 1;
    }
  } finally {
    await server.stop();
  }
}
