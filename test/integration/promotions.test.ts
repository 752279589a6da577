import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog } from '../../engine/index.ts';
import { queryRows } from '../support/sql.ts';
import { DEFINITIONS_DIR, PLUGINS_DIR, startTestServer, TEST_SECRET, type TestServer } from '../support/test-server.ts';
import { activePromotion, BASE, createPromotion, daysFrom, PHONES, promotionBody, seedMasterData, signIn, today, type Headers } from '../support/promopartner.ts';

let s: TestServer;
let admin: Headers;
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

beforeAll(async () => {
  s = await startTestServer();
  s.clock.now = new Date('2026-11-23T06:00:00Z');
  admin = await signIn(s, PHONES.admin);
  await seedMasterData(s, admin);
});
afterAll(async () => s?.close());

const evaluate = (body: object, h: Headers = admin) => s.request.post(`${BASE}/promotions/evaluate`).set(h).send(body);
const activate = (id: string) => s.request.put(`${BASE}/promotions/${id}/activate`).set(admin);
const move = (id: string, event: 'pause' | 'resume' | 'archive') => s.request.put(`${BASE}/promotions/${id}/${event}`).set(admin);
const paths = (res: { body: { error: { details: { path: string }[] } } }) => res.body.error.details.map((d) => d.path).sort();
/** Archives every live promotion, so each test evaluates only its own. */
async function clearLive() {
  const live = await sql<{ id: string }>("SELECT id FROM records WHERE entity = 'promotion' AND state IN ('active', 'scheduled', 'paused')");
  for (const { id } of live) expect((await move(id, 'archive')).status).toBe(200);
}

describe('authoring (§4.2): checked against the fact set, groups and master data', () => {
  it('refuses an unknown fact, operator, product group, store group or SKU, each with its path', async () => {
    const res = await s.request.post(`${BASE}/promotions`).set(admin).send(promotionBody(s, {
      conditions: { all: [
        { fact: 'basket', path: '$.total', operator: 'greaterThan', value: 1 },
        { fact: 'cart', path: '$.total', operator: 'around', value: 1 },
        { fact: 'groups', path: '$.NO_SUCH.quantity', operator: 'greaterThan', value: 1 },
        { fact: 'cart', path: '$.skus', operator: 'contains', value: 'NOPE-1' },
      ] },
      benefit: { type: 'percentOff', value: 10, productGroup: 'NOT_A_GROUP' },
      storeGroupCode: 'NOWHERE',
    }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('RULE_INVALID');
    expect(paths(res)).toEqual(['$.benefit.productGroup', '$.conditions.all[0].fact', '$.conditions.all[1].operator', '$.conditions.all[2].path', '$.storeGroupCode']);
    const sku = await s.request.post(`${BASE}/promotions`).set(admin).send(promotionBody(s, { conditions: { fact: 'cart', path: '$.skus', operator: 'containsAny', value: ['LENS-BC-160', 'NOPE-2'] } }));
    expect(sku.body.error.details).toEqual([{ path: '$.conditions.value[1]', message: 'Unknown SKU "NOPE-2"' }]);
  });

  it('refuses a bad benefit and an end date not after the start, on create and on patch', async () => {
    const res = await s.request.post(`${BASE}/promotions`).set(admin).send(promotionBody(s, { benefit: { type: 'percentOff', value: 120, extra: 1 }, endDate: today(s) }));
    expect(paths(res)).toEqual(['$.benefit.extra', '$.benefit.value', '$.endDate']);
    const id = await createPromotion(s, admin);
    const patch = await s.request.patch(`${BASE}/promotions/${id}`).set(admin).send({ benefit: { type: 'buyXGetY', buy: 2 } });
    expect(patch.status).toBe(422);
    expect(paths(patch)).toEqual(['$.benefit.get']);
  });

  it('checks group filters against the attributes §4.8 names', async () => {
    const res = await s.request.post(`${BASE}/store-groups`).set(admin).send({ code: 'BAD', name: 'Bad', filter: { fact: 'store', path: '$.ownerName', operator: 'equal', value: 'x' } });
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['$.filter.path']);
    const code = await s.request.post(`${BASE}/product-groups`).set(admin).send({ code: 'has space', name: 'x', filter: { fact: 'product', path: '$.category', operator: 'equal', value: 'lens' } });
    expect(code.status).toBe(400);
  });

  it('lets only admin author (KAM and store users read)', async () => {
    for (const phone of [PHONES.kam, PHONES.store]) {
      const h = await signIn(s, phone);
      expect((await s.request.post(`${BASE}/promotions`).set(h).send(promotionBody(s))).status).toBe(403);
      expect((await s.request.post(`${BASE}/store-groups`).set(h).send({ code: 'X', name: 'x', filter: { fact: 'store', path: '$.zone', operator: 'equal', value: 'South' } })).status).toBe(403);
      expect((await s.request.get(`${BASE}/promotions`).set(h)).status).toBe(200);
    }
    admin = await signIn(s, PHONES.admin);
  });
});

describe('activation (§4.2.1)', () => {
  it('needs every required field, a valid date range and a store group with stores', async () => {
    const bare = (await s.request.post(`${BASE}/promotions`).set(admin).send({ name: 'Incomplete' })).body.data.id as string;
    const res = await activate(bare);
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['$.benefit', '$.endDate', '$.startDate', '$.storeGroupCode']);
    expect((await s.request.get(`${BASE}/promotions/${bare}`).set(admin)).body.data.status).toBe('draft');
    const ended = await createPromotion(s, admin, { startDate: daysFrom(s, -10), endDate: daysFrom(s, -1) });
    expect(paths(await activate(ended))).toEqual(['$.endDate']);
    await s.request.post(`${BASE}/store-groups`).set(admin).send({ code: 'EAST', name: 'East (no stores yet)', filter: { fact: 'store', path: '$.zone', operator: 'equal', value: 'East' } });
    const empty = await createPromotion(s, admin, { storeGroupCode: 'EAST' });
    expect((await activate(empty)).body.error.details).toEqual([{ path: '$.storeGroupCode', message: 'Store group "EAST" has no stores' }]);
  });

  it('makes a promotion Active from today, Scheduled when it starts later, and only from Draft', async () => {
    const now = await activePromotion(s, admin);
    const later = await createPromotion(s, admin, { startDate: daysFrom(s, 3), endDate: daysFrom(s, 10) });
    expect((await activate(later)).body.data.status).toBe('scheduled');
    expect((await s.request.get(`${BASE}/promotions/${now}`).set(admin)).body.data.status).toBe('active');
    const again = await activate(now);
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('INVALID_TRANSITION');
    expect((await move(later, 'pause')).status).toBe(422); // only Active can be paused
    expect((await move(now, 'resume')).status).toBe(422); // only Paused can be resumed
    await clearLive();
  });

  it('stores the compiled form beside the authored one, audits the activation, and freezes the rule fields', async () => {
    const id = await activePromotion(s, admin, { conditions: { fact: 'groups', path: '$.FRAMES.quantity', operator: 'greaterThanInclusive', value: 1 }, priority: 5 });
    const [row] = await sql<{ record_version: number; compiled: Record<string, unknown> }>('SELECT record_version, compiled FROM compiled_rules WHERE record_id = $1', [id]);
    expect(row!.record_version).toBe(2);
    expect(row!.compiled).toMatchObject({ id, priority: 5, storeGroup: 'ALL', productGroups: ['FRAMES', 'LENSES'], resolved: { stores: 4, products: 3 } });
    const audit = await sql<{ action: string; after: { state: string } }>("SELECT action, after FROM audit_entries WHERE record_id = $1 ORDER BY id", [id]);
    expect(audit.map((a) => [a.action, a.after.state])).toEqual([['record.create', 'draft'], ['transition', 'active']]);
    const frozen = await s.request.patch(`${BASE}/promotions/${id}`).set(admin).send({ benefit: { type: 'flatOff', value: 5000 } });
    expect(frozen.status).toBe(422);
    expect(frozen.body.error.code).toBe('FIELD_LOCKED');
    await clearLive();
  });
});

describe('evaluation (§4.3)', () => {
  const cart = (items: { sku: string; quantity: number; price?: number }[], storeId = 'S001') => ({ storeId, items });

  it('computes each kind of benefit and ranks by savings, highest first', async () => {
    await clearLive();
    const pct = await activePromotion(s, admin, { name: '10% lenses capped 500', benefit: { type: 'percentOff', value: 10, cap: 500, productGroup: 'LENSES' } });
    const flat = await activePromotion(s, admin, { name: '750 off frames', benefit: { type: 'flatOff', value: 750, productGroup: 'FRAMES' } });
    const bxgy = await activePromotion(s, admin, { name: 'Buy 1 lens get 1', benefit: { type: 'buyXGetY', buy: 1, get: 1, productGroup: 'LENSES' } });
    const fixed = await activePromotion(s, admin, { name: 'Frames at 2500', benefit: { type: 'fixedPrice', value: 2500, productGroup: 'FRAMES' } });
    // Lenses 9000 + 2000 (x1 each); frames 3000 x2.
    const res = await evaluate(cart([{ sku: 'LENS-PG-167', quantity: 1 }, { sku: 'lens-bc-150', quantity: 1 }, { sku: 'FR-AC-01', quantity: 2 }]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.cart.total).toBe(17000);
    expect(res.body.data.promotions.map((p: { promotionId: string; savings: number }) => [p.promotionId, p.savings])).toEqual([
      [bxgy, 2000], // the cheaper lens free
      [fixed, 1000], // 2 x (3000 - 2500)
      [flat, 750],
      [pct, 500], // 10% of 11,000 = 1,100, capped at 500
    ]);
  });

  it('evaluates only Active promotions of a store group holding the store, whose conditions hold', async () => {
    await clearLive();
    const south = await activePromotion(s, admin, { name: 'South only', storeGroupCode: 'SOUTH' });
    const big = await activePromotion(s, admin, { name: 'Big carts', conditions: { fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: 10000 } });
    const paused = await activePromotion(s, admin, { name: 'Paused' });
    await move(paused, 'pause');
    const later = await createPromotion(s, admin, { name: 'Later', startDate: daysFrom(s, 2) });
    await activate(later);
    const ids = async (storeId: string, items: { sku: string; quantity: number }[]) => (await evaluate(cart(items, storeId))).body.data.promotions.map((p: { promotionId: string }) => p.promotionId).sort();
    expect(await ids('S001', [{ sku: 'LENS-BC-160', quantity: 1 }])).toEqual([south]);
    expect(await ids('N001', [{ sku: 'LENS-BC-160', quantity: 1 }])).toEqual([]);
    expect(await ids('N001', [{ sku: 'LENS-PG-167', quantity: 1 }, { sku: 'FR-MT-02', quantity: 1 }])).toEqual([big]);
    expect(await ids('S002', [{ sku: 'FR-MT-02', quantity: 3 }])).toEqual([]); // nothing in the lens group
  });

  it('follows group membership when master data changes (groups are dynamic)', async () => {
    await clearLive();
    const south = await activePromotion(s, admin, { name: 'South', storeGroupCode: 'SOUTH' });
    const item = [{ sku: 'LENS-BC-160', quantity: 1 }];
    expect((await evaluate(cart(item, 'N001'))).body.data.promotions).toEqual([]);
    const n001 = (await s.request.get(`${BASE}/stores?storeId=N001`).set(admin)).body.data.items[0].id as string;
    expect((await s.request.patch(`${BASE}/stores/${n001}`).set(admin).send({ zone: 'South' })).status).toBe(200);
    expect((await evaluate(cart(item, 'N001'))).body.data.promotions.map((p: { promotionId: string }) => p.promotionId)).toEqual([south]);
    await s.request.patch(`${BASE}/stores/${n001}`).set(admin).send({ zone: 'North' });
    expect((await evaluate(cart(item, 'N001'))).body.data.promotions).toEqual([]);
    // A new product joins its group at once.
    await s.request.post(`${BASE}/products`).set(admin).send({ sku: 'LENS-NEW', name: 'New lens', category: 'lens', mrp: 1000 });
    expect((await evaluate(cart([{ sku: 'LENS-NEW', quantity: 1 }], 'S001'))).body.data.promotions[0]).toMatchObject({ promotionId: south, savings: 100 });
  });

  it('lets an exclusive promotion hide the non-exclusive ones of lower priority', async () => {
    await clearLive();
    const small = await activePromotion(s, admin, { name: 'Exclusive 5%', exclusive: true, priority: 10, benefit: { type: 'percentOff', value: 5, productGroup: 'LENSES' } });
    await activePromotion(s, admin, { name: 'Ordinary 20%', priority: 1, benefit: { type: 'percentOff', value: 20, productGroup: 'LENSES' } });
    const high = await activePromotion(s, admin, { name: 'Priority 15%', priority: 20, benefit: { type: 'percentOff', value: 15, productGroup: 'LENSES' } });
    const res = await evaluate(cart([{ sku: 'LENS-BC-160', quantity: 1 }]));
    expect(res.body.data.promotions.map((p: { promotionId: string }) => p.promotionId)).toEqual([high, small]);
  });

  it('refuses unknown SKUs and stores, bad quantities and prices with their paths; scopes store users to their stores', async () => {
    const bad = await evaluate({ storeId: 'S001', items: [{ sku: 'NOPE', quantity: 1 }, { sku: 'LENS-BC-160', quantity: 0 }, { sku: 'FR-AC-01', quantity: 1, price: -1 }] });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['$.items[1].quantity', '$.items[2].price']);
    expect(paths(await evaluate({ storeId: 'S001', items: [{ sku: 'NOPE', quantity: 1 }] }))).toEqual(['$.items[0].sku']);
    expect(paths(await evaluate({ storeId: 'X404', items: [{ sku: 'SG-01', quantity: 1 }] }))).toEqual(['$.storeId']);
    expect((await evaluate({ storeId: 'S001', items: [] })).status).toBe(400);
    const store = await signIn(s, PHONES.store);
    expect((await evaluate(cart([{ sku: 'SG-01', quantity: 1 }], 'S001'), store)).status).toBe(200);
    expect((await evaluate(cart([{ sku: 'SG-01', quantity: 1 }], 'N001'), store)).status).toBe(403);
    const kam = await signIn(s, PHONES.kam);
    expect((await evaluate(cart([{ sku: 'SG-01', quantity: 1 }], 'N001'), kam)).status).toBe(200);
    admin = await signIn(s, PHONES.admin);
  });
});

describe('test console (§4.3.1)', () => {
  it('turns lens and frame selections into SKUs and explains every promotion, condition by condition', async () => {
    await clearLive();
    const frames = await activePromotion(s, admin, { name: 'Lens with a frame', conditions: { all: [{ fact: 'groups', path: '$.FRAMES.quantity', operator: 'greaterThanInclusive', value: 1 }, { fact: 'store', path: '$.el360', operator: 'equal', value: true }] } });
    await s.request.post(`${BASE}/store-groups`).set(admin).send({ code: 'NORTH', name: 'North', filter: { fact: 'store', path: '$.zone', operator: 'equal', value: 'North' } });
    const north = await activePromotion(s, admin, { name: 'North stores', storeGroupCode: 'NORTH', conditions: { fact: 'cart', path: '$.total', operator: 'greaterThan', value: 50000 } });
    const res = await evaluate({ storeGroup: 'SOUTH', selections: { lens: { coating: 'anti-glare' }, frame: { frameMaterial: 'metal' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.cart.items.map((i: { sku: string }) => i.sku)).toEqual(['LENS-PG-167', 'FR-MT-02']);
    const byId = Object.fromEntries(res.body.data.promotions.map((p: { promotionId: string }) => [p.promotionId, p]));
    expect(byId[frames]).toMatchObject({ eligible: true, reasons: [], savings: 900, conditions: { result: true, leaves: [{ factValue: 1, result: true }, { factValue: true, result: true }] } });
    expect(byId[north].eligible).toBe(false);
    expect(res.body.data.store).toBe('P001'); // the first store of SOUTH stands for the group
    expect(byId[north].reasons).toEqual(['Its store group "NORTH" does not hold P001 (it holds 0 of the 3 stores of "SOUTH")', 'Its conditions are not met']);
    expect(byId[north].conditions.leaves).toEqual([{ condition: 'cart.total greaterThan 50000', factValue: 14000, result: false }]);
    expect(Object.values(byId).map((p) => (p as { status: string }).status)).not.toContain('archived');
    // A rename after activation shows at once (the rule itself is frozen).
    await s.request.patch(`${BASE}/promotions/${frames}`).set(admin).send({ name: 'Lens and frame combo' });
    const renamed = await evaluate({ storeId: 'S001', items: [{ sku: 'LENS-PG-167', quantity: 1 }, { sku: 'FR-MT-02', quantity: 1 }] });
    expect(renamed.body.data.promotions.find((p: { promotionId: string }) => p.promotionId === frames).name).toBe('Lens and frame combo');
    // Says why a promotion gives nothing: one lens is not enough for buy 1 get 1; no frame in a lens-only cart.
    const bogo = await createPromotion(s, admin, { name: 'BOGO lenses', benefit: { type: 'buyXGetY', buy: 1, get: 1, productGroup: 'LENSES' } });
    const lensOnly = await evaluate({ storeGroup: 'SOUTH', selections: { lens: { coating: 'anti-glare' } } });
    const byId2 = Object.fromEntries(lensOnly.body.data.promotions.map((p: { promotionId: string }) => [p.promotionId, p]));
    expect(byId2[bogo].reasons).toContain('Its buyXGetY benefit saves nothing on this cart');
    expect(byId2[frames].reasons).toEqual(['Its conditions are not met']);
    const unknown = await evaluate({ storeGroup: 'SOUTH', selections: { lens: { coating: 'gold' }, glass: {} } });
    expect(paths(unknown)).toEqual(['$.selections.glass', '$.selections.lens']);
  });
});

describe('the daily job (§4.2.2)', () => {
  it('archives ended promotions and starts scheduled ones; a second run changes nothing', async () => {
    await clearLive();
    const ending = await activePromotion(s, admin, { name: 'Ends tomorrow', endDate: daysFrom(s, 1) });
    const starting = await createPromotion(s, admin, { name: 'Starts in 2 days', startDate: daysFrom(s, 2), endDate: daysFrom(s, 20) });
    expect((await activate(starting)).body.data.status).toBe('scheduled');
    const status = async (id: string) => (await sql<{ state: string }>('SELECT state FROM records WHERE id = $1', [id]))[0]!.state;

    s.clock.now = new Date(s.clock.now.getTime() + 86_400_000); // the end date itself: still running
    await s.engine.runJob('promopartner', 'promotion-dates');
    expect([await status(ending), await status(starting)]).toEqual(['active', 'scheduled']);

    s.clock.now = new Date(s.clock.now.getTime() + 86_400_000);
    const report = await s.engine.runJob('promopartner', 'promotion-dates');
    expect(report.map((r) => [r.event, r.moved])).toEqual([['expire', 1], ['start', 1]]);
    expect([await status(ending), await status(starting)]).toEqual(['archived', 'active']);
    const again = await s.engine.runJob('promopartner', 'promotion-dates');
    expect(again.map((r) => r.moved)).toEqual([0, 0]);
    const timeline = await sql<{ event: string; actor_id: string; role: string }>('SELECT event, actor_id, role FROM timeline_entries WHERE record_id = $1 ORDER BY id', [starting]);
    expect(timeline.at(-1)).toEqual({ event: 'start', actor_id: 'system', role: 'system' });
  });

  it('leaves a scheduled promotion waiting when 20 are already active, and starts it once a place is free', async () => {
    admin = await signIn(s, PHONES.admin); // the clock moved on by days
    await clearLive();
    const waiting = await createPromotion(s, admin, { startDate: daysFrom(s, 1) });
    await activate(waiting);
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(await activePromotion(s, admin));
    s.clock.now = new Date(s.clock.now.getTime() + 86_400_000);
    const report = await s.engine.runJob('promopartner', 'promotion-dates');
    expect(report[1]).toMatchObject({ event: 'start', matched: 1, moved: 0, refused: [{ id: waiting, code: 'ACTIVE_PROMOTION_LIMIT' }] });
    admin = await signIn(s, PHONES.admin);
    const paused = await move(ids[0]!, 'pause');
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect((await s.engine.runJob('promopartner', 'promotion-dates'))[1]).toMatchObject({ moved: 1 });
    await clearLive();
  });
});

describe('more than one process', () => {
  it('a change made through one process reaches the evaluation of another (NOTIFY)', async () => {
    admin = await signIn(s, PHONES.admin);
    await clearLive();
    const db = createDatabase(s.databaseUrl);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-second-'));
    const other = await createEngine({ db, plugins: await loadPluginCatalog(PLUGINS_DIR), definitionsDir: DEFINITIONS_DIR, dataDir, production: false, logger: createLogger('silent'), jwtSecret: TEST_SECRET, clock: () => s.clock.now });
    try {
      const actor = { id: 'kam', app: 'promopartner', role: 'kam' };
      const body = { storeId: 'N001', items: [{ sku: 'LENS-BC-160', quantity: 1 }] };
      const offers = async () => (await other.rules.evaluate('promopartner', 'promotions', actor, body)).promotions.map((p) => p.promotionId);
      expect(await offers()).toEqual([]); // loads and caches the (empty) index in the other process
      const id = await activePromotion(s, admin, { name: 'Seen elsewhere' });
      await expect.poll(offers, { timeout: 5000 }).toEqual([id]);
      await move(id, 'pause');
      await expect.poll(offers, { timeout: 5000 }).toEqual([]);
    } finally {
      await closeDatabase(db);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
