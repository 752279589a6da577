// Bad input on every PromoPartner route with a body that the promotions work added: always the
// one error format, never a 500, and nothing written; admin-authored rule JSON is untrusted input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { BASE, createPromotion, PHONES, promotionBody, seedMasterData, signIn, type Headers } from '../support/promopartner.ts';

let s: TestServer;
let admin: Headers;
let promotionId: string;
beforeAll(async () => {
  s = await startTestServer();
  admin = await signIn(s, PHONES.admin);
  await seedMasterData(s, admin);
  promotionId = await createPromotion(s, admin);
});
afterAll(async () => s?.close());

const ROUTES: { method: 'post' | 'patch'; path: () => string }[] = [
  { method: 'post', path: () => `${BASE}/promotions/evaluate` },
  { method: 'post', path: () => '/v1/apps/promopartner/rules/promotions/evaluate' },
  { method: 'post', path: () => `${BASE}/promotions` },
  { method: 'patch', path: () => `${BASE}/promotions/${promotionId}` },
  { method: 'post', path: () => `${BASE}/store-groups` },
  { method: 'post', path: () => `${BASE}/product-groups` },
  { method: 'post', path: () => `${BASE}/csv-jobs/product/register` },
  { method: 'post', path: () => `${BASE}/transactions` },
];

function expectErrorFormat(res: { status: number; body: Record<string, unknown> }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) }, traceId: expect.any(String) });
}

describe('bad input on the promotion, group, import and transaction routes', () => {
  for (const route of ROUTES) {
    describe(`${route.method.toUpperCase()} ${route.path().replace(/[0-9a-f-]{36}/, '{id}')}`, () => {
      const send = (body: string, type = 'application/json') => s.request[route.method](route.path()).set(admin).set('Content-Type', type).send(body);
      it('answers 400 to malformed JSON, wrong types, arrays and deep nesting; 413 to 1 MB; 415 to a form', async () => {
        expectErrorFormat(await send('{"storeId": '), 400);
        expectErrorFormat(await send('{"storeId": 5, "items": "x", "name": 5, "code": 7, "blobName": 9, "requestId": 3, "benefit": 1}'), 400);
        expectErrorFormat(await send('[1,2,3]'), 400);
        expectErrorFormat(await send('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)), 400);
        expectErrorFormat(await send(JSON.stringify({ name: 'x'.repeat(1024 * 1024) })), 413);
        expectErrorFormat(await send('storeId=S001', 'application/x-www-form-urlencoded'), 415);
      });
      it('answers 400 to __proto__ and constructor keys, leaving Object.prototype alone', async () => {
        expectErrorFormat(await send('{"__proto__": {"polluted": true}, "storeId": "S001"}'), 400);
        expectErrorFormat(await send('{"constructor": {"prototype": {"polluted": true}}}'), 400);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    });
  }
});

describe('rule JSON from admins is untrusted', () => {
  const create = (overrides: Record<string, unknown>) => s.request.post(`${BASE}/promotions`).set(admin).send(promotionBody(s, overrides));
  it('refuses paths into prototypes, oversized lists, deep nesting and code-looking operators, each with its path', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ conditions: { fact: 'cart', path: '$.constructor.name', operator: 'equal', value: 'Object' } }, '$.conditions.path'],
      [{ conditions: { fact: 'store', path: '$.toString', operator: 'equal', value: 'x' } }, '$.conditions.path'],
      [{ conditions: { fact: 'cart', path: '$.skus', operator: 'containsAny', value: Array.from({ length: 10_001 }, (_, i) => `S${i}`) } }, '$.conditions.value'],
      [{ conditions: { fact: 'cart', path: '$.total', operator: 'eval', value: 'process.exit()' } }, '$.conditions.operator'],
      [{ conditions: JSON.parse('{"all":'.repeat(12) + '[{"fact":"cart","path":"$.total","operator":"equal","value":1}]' + '}'.repeat(12)) }, '$.conditions'],
      [{ benefit: { type: 'constructor', value: 1 } }, '$.benefit.type'],
    ];
    for (const [overrides, path] of cases) {
      const res = await create(overrides);
      expectErrorFormat(res, 422);
      expect((res.body.error.details as { path: string }[]).some((d) => d.path.startsWith(path)), `${JSON.stringify(res.body.error.details)} has ${path}`).toBe(true);
    }
    const filter = await s.request.post(`${BASE}/store-groups`).set(admin).send({ code: 'PROTO', name: 'x', filter: { fact: 'store', path: '$.hasOwnProperty', operator: 'equal', value: 1 } });
    expectErrorFormat(filter, 422);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses more than 100 cart lines, and a console selection naming a prototype member', async () => {
    const lines = Array.from({ length: 101 }, () => ({ sku: 'SG-01', quantity: 1 }));
    expectErrorFormat(await s.request.post(`${BASE}/promotions/evaluate`).set(admin).send({ storeId: 'S001', items: lines }), 400);
    const res = await s.request.post(`${BASE}/promotions/evaluate`).set(admin).send({ storeGroup: 'ALL', selections: { toString: { category: 'lens' }, lens: { hasOwnProperty: 'x' } } });
    expectErrorFormat(res, 400);
    expect((res.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['$.selections.lens.hasOwnProperty', '$.selections.toString']);
  });

  it('keeps serving after all of the above', async () => {
    expect((await s.request.get('/healthz')).status).toBe(200);
  });
});
