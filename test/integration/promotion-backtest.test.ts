import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activePromotion, BASE, createPromotion, PHONES, seedMasterData, signIn, verification, type Headers } from '../support/promopartner.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const G = '/v1/apps/promopartner/rules/promotions';
// "Today" for the whole file; transactions are spread over the days before it.
const TODAY = '2026-11-23';
const day = (offset: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

let s: TestServer;
let admin: Headers;
/** The promotion every transaction was priced by (10% off lenses, every store). */
let live: string;
let phone = 9876300000;
const ids: Record<string, string> = {};

/** Moves the clock to a day (06:00 UTC) and signs the admin in again (tokens last an hour). */
async function at(date: string) {
  s.clock.now = new Date(`${date}T06:00:00Z`);
  admin = await signIn(s, PHONES.admin);
}

/** A transaction priced by the live promotion, at a store, now; the next one a minute later. */
async function transaction(name: string, storeId: string, items: { sku: string; quantity: number }[]) {
  const res = await s.request.post(`${BASE}/transactions`).set(admin).send({ requestId: randomUUID(), promotionId: live, verificationToken: await verification(s, admin, live, String(phone++)), storeId, items });
  if (res.status !== 201) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
  ids[name] = res.body.data.id as string;
  s.clock.now = new Date(s.clock.now.getTime() + 60_000);
}

// The candidate: 500 off frames at South stores on carts of 5,000 or more, from 6 days ago.
const FRAMES_500 = {
  name: 'Frames flat 500',
  conditions: { fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: 5000 },
  benefit: { type: 'flatOff', value: 500, productGroup: 'FRAMES' },
  storeGroupCode: 'SOUTH',
  startDate: day(-6),
  endDate: day(10),
  priority: 5,
  exclusive: false,
};

const backtest = (body: object, h: Headers = admin) => s.request.post(`${G}/backtest`).set(h).send(body);
const lint = (body: object = {}, h: Headers = admin) => s.request.post(`${G}/lint`).set(h).send(body);

beforeAll(async () => {
  s = await startTestServer();
  await at(day(-40));
  await seedMasterData(s, admin);
  live = await activePromotion(s, admin, { name: 'Lenses 10%', startDate: day(-40), endDate: day(30) });
  await transaction('T0', 'S001', [{ sku: 'LENS-BC-160', quantity: 1 }]);
  await at(day(-9));
  await transaction('T1', 'S001', [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-AC-01', quantity: 1 }]);
  await at(day(-5));
  await transaction('T2', 'N001', [{ sku: 'LENS-BC-150', quantity: 2 }]);
  await transaction('T3', 'S002', [{ sku: 'LENS-PG-167', quantity: 1 }, { sku: 'FR-MT-02', quantity: 1 }]);
  await at(day(-1));
  await transaction('T4', 'S001', [{ sku: 'LENS-BC-160', quantity: 1 }]);
  await transaction('T5', 'S001', [{ sku: 'FR-MT-02', quantity: 1 }, { sku: 'LENS-BC-150', quantity: 1 }]);
  await at(TODAY);
  await transaction('T6', 'S001', [{ sku: 'LENS-PG-167', quantity: 1 }]);
}, 120_000);
afterAll(async () => s?.close());

describe('promotion backtest', () => {
  it('replays a candidate on the transactions of the last 30 days: where it applies, its savings, per day, and how it ranks', async () => {
    const res = await backtest({ promotion: FRAMES_500 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const r = res.body.data;
    expect(r.candidate).toEqual({ id: null, name: 'Frames flat 500', state: null });
    expect(r.window).toEqual({ from: day(-29), to: TODAY, days: 30 });
    expect(r.totals).toEqual({ transactions: 6, matched: 2, gross: 21000, discount: 1000, notMatched: { dates: 1, store: 1, conditions: 1, noSavings: 1 } });
    expect(r.perDay).toHaveLength(30);
    expect(r.perDay.filter((d: { transactions: number }) => d.transactions > 0)).toEqual([
      { date: day(-9), transactions: 1, matched: 0, discount: 0 },
      { date: day(-5), transactions: 2, matched: 1, discount: 500 },
      { date: day(-1), transactions: 2, matched: 1, discount: 500 },
      { date: TODAY, transactions: 1, matched: 0, discount: 0 },
    ]);
    expect(r.ranking).toEqual({
      matched: 2,
      best: 1,
      outranked: 1,
      hidden: 0,
      alone: 0,
      summary: 'Would have been the best offer on 1 of 2 transactions it applies to (6 in the window)',
      displaced: [{ promotionId: live, name: 'Lenses 10%', transactions: 1 }],
    });
    const brief = r.transactions.map((t: Record<string, unknown>) => [t.id, t.storeId, t.total, t.reason, t.savings, t.rank, t.best]);
    expect(brief).toEqual([
      [ids.T1, 'S001', 7000, 'dates', 0, null, false],
      [ids.T2, 'N001', 4000, 'store', 0, null, false],
      // 10% of the 9,000 lens beats 500 off the frame.
      [ids.T3, 'S002', 14000, null, 500, 2, false],
      [ids.T4, 'S001', 4000, 'conditions', 0, null, false],
      // 500 off the frame beats 10% of the 2,000 lens.
      [ids.T5, 'S001', 7000, null, 500, 1, true],
      // No frame in the cart: nothing to take 500 off.
      [ids.T6, 'S001', 9000, 'no-savings', 0, null, false],
    ]);
    expect(r.transactions[2]).toMatchObject({ date: day(-5), promotionId: live, applies: true, offered: [{ promotionId: live, name: 'Lenses 10%', savings: 900 }] });
    expect(r.transactions[4].offered).toEqual([{ promotionId: live, name: 'Lenses 10%', savings: 200 }]);
    expect(r.nextCursor).toBeNull();
  });

  it('gives identical output on two runs, and the same transactions page by page', async () => {
    const [a, b] = [await backtest({ promotion: FRAMES_500 }), await backtest({ promotion: FRAMES_500 })];
    expect(b.body.data).toEqual(a.body.data);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await backtest({ promotion: FRAMES_500, limit: 4, ...(cursor ? { cursor } : {}) });
      expect(res.body.data.totals).toEqual(a.body.data.totals);
      seen.push(...res.body.data.transactions.map((t: { id: string }) => t.id));
      cursor = res.body.data.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual(a.body.data.transactions.map((t: { id: string }) => t.id));
    expect((await backtest({ promotion: FRAMES_500, cursor: 'nonsense' })).status).toBe(400);
  });

  it('looks as far back as asked (at most 90 days)', async () => {
    const wide = (await backtest({ promotion: FRAMES_500, days: 90 })).body.data;
    expect(wide.window).toEqual({ from: day(-89), to: TODAY, days: 90 });
    expect(wide.totals).toMatchObject({ transactions: 7, matched: 2, notMatched: { dates: 2, store: 1, conditions: 1, noSavings: 1 } });
    expect(wide.transactions[0].id).toBe(ids.T0);
    expect((await backtest({ promotion: FRAMES_500, days: 1 })).body.data.totals).toMatchObject({ transactions: 1, matched: 0 });
    const tooFar = await backtest({ promotion: FRAMES_500, days: 91 });
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.error.details[0].path).toBe('$.days');
  });

  it('replays a stored draft by id, and a stored promotion with fields edited', async () => {
    const draft = await createPromotion(s, admin, FRAMES_500);
    const stored = (await backtest({ promotionId: draft })).body.data;
    expect(stored.candidate).toEqual({ id: draft, name: 'Frames flat 500', state: 'draft' });
    expect(stored.totals).toMatchObject({ matched: 2, discount: 1000 });
    const edited = (await backtest({ promotionId: draft, promotion: { benefit: { type: 'flatOff', value: 300, productGroup: 'FRAMES' } } })).body.data;
    expect(edited.totals).toMatchObject({ matched: 2, discount: 600 });
    // 300 off the frame still loses to 10% of the lens on T3 (900) and beats it on T5 (200).
    expect(edited.ranking).toMatchObject({ best: 1, outranked: 1 });
    // The live promotion, replayed by id, stands in for itself: it is alone on every cart.
    const self = (await backtest({ promotionId: live })).body.data;
    expect(self.totals).toMatchObject({ transactions: 6, matched: 6, discount: 400 + 400 + 900 + 400 + 200 + 900 });
    expect(self.ranking).toMatchObject({ best: 6, alone: 6, displaced: [] });
    expect((await backtest({ promotionId: randomUUID() })).status).toBe(404);
  });

  it('checks a candidate as a promotion write is: a bad condition is 422 RULE_INVALID with its path', async () => {
    const bad = await backtest({ promotion: { ...FRAMES_500, conditions: { all: [{ fact: 'cart', path: '$.totl', operator: 'greaterThan', value: 1 }] } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('RULE_INVALID');
    expect(bad.body.error.details).toEqual([{ path: '$.promotion.conditions.all[0].path', message: expect.stringContaining('"totl"') }]);
    const incomplete = await backtest({ promotion: { name: 'No benefit', storeGroupCode: 'ALL' } });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['$.promotion.benefit', '$.promotion.endDate', '$.promotion.startDate']);
    const shape = await backtest({ promotion: { ...FRAMES_500, priority: 'high', description: 'not a rule field' } });
    expect(shape.status).toBe(400);
    expect(shape.body.error.details.map((d: { path: string }) => d.path)).toEqual(['$.promotion.description']);
    expect((await backtest({ promotion: { ...FRAMES_500, priority: 'high' } })).body.error.details[0].path).toBe('$.promotion.priority');
    expect((await backtest({ days: 7 })).status).toBe(400);
  });

  it('is refused to KAM and store users (403): only who may change promotions may replay one', async () => {
    for (const phoneOf of [PHONES.kam, PHONES.store]) {
      const h = await signIn(s, phoneOf);
      const res = await backtest({ promotion: FRAMES_500 }, h);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect((await lint({}, h)).status).toBe(403);
    }
    admin = await signIn(s, PHONES.admin);
  });
});

describe('promotion lint', () => {
  const warnings = async (body: object = {}) => {
    const res = await lint(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.warnings as { code: string; message: string; promotions: { id: string | null; name: string }[] }[];
  };

  it('finds nothing wrong with a clean set: the live promotion and a candidate that competes fairly', async () => {
    expect(await warnings()).toEqual([]);
    const res = await lint({ promotion: FRAMES_500 });
    expect(res.body.data).toEqual({ date: TODAY, candidate: { id: null, name: 'Frames flat 500', state: null }, promotions: 2, warnings: [] });
  });

  describe('with an exclusive promotion live', () => {
    let exclusive: string;
    beforeAll(async () => {
      exclusive = await activePromotion(s, admin, { name: 'South 5% exclusive', benefit: { type: 'percentOff', value: 5 }, storeGroupCode: 'SOUTH', startDate: day(-30), endDate: day(30), priority: 10, exclusive: true });
    });

    it('backtest: counts the carts where the exclusive one hides the candidate', async () => {
      const r = (await backtest({ promotion: FRAMES_500 })).body.data;
      expect(r.ranking).toMatchObject({ matched: 2, best: 0, outranked: 0, hidden: 2 });
      expect(r.transactions[2].offered).toEqual([{ promotionId: exclusive, name: 'South 5% exclusive', savings: 700 }]);
      expect(r.transactions[2].rank).toBeNull();
    });

    it('warns of two exclusive promotions at shared stores and dates: who wins ties, or undecided at equal priority', async () => {
      const other = { ...FRAMES_500, name: 'EL360 exclusive', storeGroupCode: 'EL360', exclusive: true, conditions: undefined };
      const [equal] = await warnings({ promotion: { ...other, priority: 10 } });
      expect(equal).toEqual({
        code: 'EXCLUSIVE_OVERLAP',
        message: `"EL360 exclusive" and "South 5% exclusive" are both exclusive at 2 shared stores from ${day(-6)} to ${day(10)} with equal priority 10: undecided: by savings per cart (where both apply both are offered, the one saving more first)`,
        promotions: [{ id: null, name: 'EL360 exclusive' }, { id: exclusive, name: 'South 5% exclusive' }],
      });
      const [lower] = await warnings({ promotion: { ...other, priority: 3 } });
      expect(lower!.code).toBe('EXCLUSIVE_OVERLAP');
      expect(lower!.message).toContain('"South 5% exclusive" wins on equal savings (priority 10 > 3)');
      expect(lower!.promotions.map((p) => p.name)).toEqual(['South 5% exclusive', 'EL360 exclusive']);
      // A promotion whose condition never holds meets no other on a cart: only that is said.
      const apart = { ...other, priority: 3, conditions: { all: [{ fact: 'cart', path: '$.total', operator: 'lessThan', value: 50 }, { fact: 'cart', path: '$.total', operator: 'greaterThan', value: 60 }] } };
      expect((await warnings({ promotion: apart })).map((w) => w.code)).toEqual(['UNSATISFIABLE_CONDITION']);
    });

    it('warns of a promotion the exclusive one always hides', async () => {
      const covered = { ...FRAMES_500, name: 'Lenses 3%', benefit: { type: 'percentOff', value: 3, productGroup: 'LENSES' }, priority: 1 };
      expect(await warnings({ promotion: covered })).toEqual([
        {
          code: 'UNREACHABLE',
          message: `"Lenses 3%" is never offered: "South 5% exclusive" (exclusive, priority 10 > 1) applies wherever "Lenses 3%" does — its stores, dates, condition and benefit cover "Lenses 3%"'s — and hides it`,
          promotions: [{ id: null, name: 'Lenses 3%' }, { id: exclusive, name: 'South 5% exclusive' }],
        },
      ]);
      // A higher percentage can save where 5% saves nothing on a tiny cart: not provably hidden.
      expect(await warnings({ promotion: { ...covered, benefit: { type: 'percentOff', value: 8 } } })).toEqual([]);
      // Stores beyond the exclusive one's: reachable there.
      expect(await warnings({ promotion: { ...covered, storeGroupCode: 'ALL' } })).toEqual([]);
    });
  });

  it('warns of a condition that can never hold, naming where', async () => {
    const never = { ...FRAMES_500, name: 'Never', conditions: { all: [{ fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: 100 }, { fact: 'cart', path: '$.total', operator: 'lessThan', value: 50 }] } };
    expect(await warnings({ promotion: never })).toEqual([
      { code: 'UNSATISFIABLE_CONDITION', message: '"Never" can never apply: cart.total >= 100 (at $.conditions.all[0]) and cart.total < 50 (at $.conditions.all[1]) cannot both hold', promotions: [{ id: null, name: 'Never' }] },
    ]);
  });

  it('warns of a store group with no stores', async () => {
    expect((await s.request.post(`${BASE}/store-groups`).set(admin).send({ code: 'NOWHERE', name: 'No stores', filter: { fact: 'store', path: '$.city', operator: 'equal', value: 'Atlantis' } })).status).toBe(201);
    const stored = await createPromotion(s, admin, { ...FRAMES_500, name: 'Nowhere', storeGroupCode: 'NOWHERE' });
    expect(await warnings({ promotionId: stored })).toEqual([
      { code: 'EMPTY_STORE_GROUP', message: '"Nowhere": store group "NOWHERE" has no stores, so it applies nowhere', promotions: [{ id: stored, name: 'Nowhere' }] },
    ]);
  });

  it('warns of a candidate that has ended or ends today, naming the job that archives', async () => {
    const [ended] = await warnings({ promotion: { ...FRAMES_500, name: 'Old', startDate: day(-20), endDate: day(-1) } });
    expect(ended).toEqual({ code: 'ENDED', message: `"Old" ended on ${day(-1)}, before today (${TODAY}, UTC): it can no longer be activated`, promotions: [{ id: null, name: 'Old' }] });
    const [today] = await warnings({ promotion: { ...FRAMES_500, name: 'Today', endDate: TODAY } });
    expect(today).toEqual({
      code: 'ENDS_TODAY',
      message: `"Today" ends today (${TODAY}, UTC): activated now, it would run for the rest of today only (job "promotion-dates" (5 0 * * * UTC) fires "expire" to move it to Archived)`,
      promotions: [{ id: null, name: 'Today' }],
    });
  });

  it('warns of a live promotion past its end date that the daily job has not archived yet', async () => {
    await at(day(31));
    const ended = (await warnings()).filter((w) => w.code === 'ENDED');
    // The live one and one other ended promotion (ids are random: no order to rely on).
    const ids = ended.map((w) => w.promotions[0]!.id);
    expect(ids).toHaveLength(2);
    expect(ids).toContain(live);
    expect(ended.find((w) => w.promotions[0]!.id === live)!.message).toBe(`"Lenses 10%" ended on ${day(30)}: evaluation no longer offers it, though it is still in an evaluated state (job "promotion-dates" (5 0 * * * UTC) fires "expire" to move it to Archived)`);
  });
});
