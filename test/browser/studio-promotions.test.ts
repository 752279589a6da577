// The Promotions and Groups screens in Chromium, as a business admin uses them: sign in by phone and
// code, build a promotion in the condition builder (a lens and a frame in the cart, a benefit, a
// store group, dates), backtest it on stored transactions (chart and affected transactions), activate
// it, try a cart in the test console and check through the API that the live evaluation applies it,
// then see a store group's members. Nothing the page asks for leaves the machine.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activePromotion, BASE, PHONES, seedMasterData, signIn, verification, type Headers } from '../support/promopartner.ts';
import { hasChromium, openStudio, signInWithPhone, type StudioSession } from '../support/studio-browser.ts';

const G = '/v1/apps/promopartner';
const dayOf = (d: Date, offset: number) => new Date(d.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!hasChromium)('Rulepath Studio: promotions and groups', () => {
  let st: StudioSession;
  let now: Date;
  let promotionId = '';
  const NAME = 'Lens and frame combo';
  const conditions = {
    all: [
      { fact: 'groups', path: '$.LENSES.quantity', operator: 'greaterThanInclusive', value: 1 },
      { fact: 'groups', path: '$.FRAMES.quantity', operator: 'greaterThanInclusive', value: 1 },
    ],
  };

  beforeAll(async () => {
    st = await openStudio();
    const s = st.server;
    now = new Date();
    // Master data, a live promotion to price transactions by, and transactions over the last days.
    s.clock.now = new Date(`${dayOf(now, -8)}T06:00:00Z`);
    let admin: Headers = await signIn(s, PHONES.admin);
    await seedMasterData(s, admin);
    const live = await activePromotion(s, admin, { name: 'Lenses 10%', startDate: dayOf(now, -8), endDate: dayOf(now, 30) });
    let phone = 9876400000;
    const carts: [number, string, { sku: string; quantity: number }[]][] = [
      [-6, 'S001', [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-MT-02', quantity: 1 }]],
      [-4, 'S002', [{ sku: 'LENS-BC-150', quantity: 1 }, { sku: 'FR-AC-01', quantity: 1 }]],
      [-4, 'N001', [{ sku: 'LENS-PG-167', quantity: 1 }, { sku: 'FR-AC-01', quantity: 1 }]],
      [-2, 'S001', [{ sku: 'LENS-PG-167', quantity: 1 }]],
      [-1, 'S001', [{ sku: 'LENS-PG-167', quantity: 1 }, { sku: 'FR-MT-02', quantity: 2 }]],
    ];
    for (const [offset, storeId, items] of carts) {
      s.clock.now = new Date(`${dayOf(now, offset)}T07:00:00Z`);
      admin = await signIn(s, PHONES.admin);
      const res = await s.request.post(`${BASE}/transactions`).set(admin).send({ requestId: randomUUID(), promotionId: live, verificationToken: await verification(s, admin, live, String(phone++)), storeId, items });
      if (res.status !== 201) throw new Error(`transaction: ${res.status} ${JSON.stringify(res.body)}`);
    }
    s.clock.now = now;
  }, 180_000);

  afterAll(async () => {
    if (!st) return;
    expect(st.external).toEqual([]);
    await st.close();
  });

  it('signs in by phone and code and lists the promotions with status, dates and store group', async () => {
    const { page, url } = st;
    await signInWithPhone(page, url, 'promopartner', PHONES.admin);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Promotions' }).click();
    await page.getByRole('heading', { name: 'Promotions', exact: true, level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Lenses 10%' });
    await row.getByText('Active').waitFor();
    await row.getByText('ALL').waitFor();
    await row.getByText(`${dayOf(now, -8)} → ${dayOf(now, 30)}`).waitFor();
    await page.getByText(/No conflicts among/).waitFor();
  });

  it('builds a draft in the condition builder: a lens and a frame, a benefit, a store group, dates; saved as the JSON the API takes', async () => {
    const { page } = st;
    await page.getByRole('link', { name: 'New promotion' }).click();
    await page.getByLabel('Name').fill(NAME);
    await page.getByLabel('Store group').selectOption('SOUTH');
    await page.getByLabel('Start date').fill(dayOf(now, -10));
    await page.getByLabel('End date').fill(dayOf(now, 20));
    await page.getByLabel('Priority').fill('5');
    // Two comparisons under "all": at least one lens and at least one frame (groups from the master data).
    await page.getByRole('button', { name: 'Add a condition' }).click();
    for (const [i, code] of [[0, 'LENSES'], [1, 'FRAMES']] as const) {
      if (i === 1) await page.getByRole('button', { name: 'Add a comparison' }).click();
      await page.getByLabel('Fact').nth(i).selectOption('groups');
      await page.getByLabel('Path').nth(i).selectOption(`${code}.quantity`);
      await page.getByLabel('Operator').nth(i).selectOption({ label: 'is at least' });
      await page.getByLabel('Number').nth(i).fill('1');
    }
    await page.getByLabel('Benefit', { exact: true }).selectOption('flatOff');
    await page.getByLabel('Amount off (₹)').fill('750');
    await page.getByLabel('Applies to').selectOption('FRAMES');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByText('Draft', { exact: true }).first().waitFor();
    await page.getByRole('heading', { name: NAME }).waitFor();
    promotionId = page.url().split('/').pop()!;
    await page.getByText(/No conflicts among|warning/).first().waitFor();
    await st.screenshot('promotions-builder');

    const admin = await signIn(st.server, PHONES.admin);
    const stored = (await st.server.request.get(`${G}/records/promotion/${promotionId}`).set(admin)).body.data;
    expect(stored).toMatchObject({ name: NAME, status: 'draft', conditions, benefit: { type: 'flatOff', value: 750, productGroup: 'FRAMES' }, storeGroupCode: 'SOUTH', startDate: dayOf(now, -10), endDate: dayOf(now, 20), priority: 5 });
  });

  it('backtests it: totals, a chart of daily spend and the transactions it would have touched', async () => {
    const { page } = st;
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByText('Daily spend: the discount it would have given each day').waitFor();
    // Lens + frame at South stores: the carts of day -6 (S001), day -4 (S002) and day -1 (S001); not N001, not lens alone.
    await expect.poll(() => page.locator('.stats dd').nth(1).textContent()).toBe('3');
    expect(await page.locator('svg .chart-bar').count()).toBe(3);
    expect(await page.getByRole('table', { name: 'Transactions' }).getByRole('row').count()).toBe(4);
    await page.getByRole('table', { name: 'Transactions' }).getByText('₹750').first().waitFor();
    await st.screenshot('promotions-backtest');
  });

  it('activates it, and the test console and a cart evaluation explain and apply it', async () => {
    const { page } = st;
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Activate now' }).click();
    await page.locator('.screen-head').getByText('Active', { exact: true }).waitFor();
    await page.getByText(/frozen/).waitFor();

    await page.getByRole('button', { name: 'Test console' }).click();
    // The editor's own (now frozen) store group comes first; the console's is the last.
    await page.getByLabel('Store group').last().selectOption('SOUTH');
    await page.getByLabel('lens coating').selectOption('blue-cut');
    await page.getByLabel('frame frameMaterial').selectOption('metal');
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    const mine = page.locator('.console-this');
    await mine.getByText('Applies', { exact: true }).waitFor();
    await mine.getByRole('table').getByText('groups.LENSES.quantity greaterThanInclusive 1').waitFor();
    expect(await mine.getByText('✓ holds').count()).toBe(2);
    await st.screenshot('promotions-console');

    await page.getByRole('button', { name: 'Store and cart' }).click();
    await page.getByLabel('Store', { exact: true }).selectOption('S001');
    await page.getByLabel('Item 1', { exact: true }).selectOption('LENS-BC-160');
    await page.getByRole('button', { name: 'Add an item' }).click();
    await page.getByLabel('Item 2', { exact: true }).selectOption('FR-MT-02');
    await page.getByRole('button', { name: 'Evaluate cart' }).click();
    await page.getByRole('table', { name: 'Offers' }).getByRole('row').filter({ hasText: NAME }).getByText('₹750', { exact: true }).waitFor();

    // The live evaluation (what a store's till asks) applies it.
    const store = await signIn(st.server, PHONES.store);
    const res = await st.server.request.post(`${BASE}/promotions/evaluate`).set(store).send({ storeId: 'S001', items: [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-MT-02', quantity: 1 }] });
    expect(res.status).toBe(200);
    expect(res.body.data.promotions).toEqual(expect.arrayContaining([expect.objectContaining({ promotionId, name: NAME, savings: 750 })]));

    await page.goto(`${st.url}/studio/#/promopartner/promotions`);
    await page.getByRole('row').filter({ hasText: NAME }).getByText('Active').waitFor();
    await page.getByText(/No conflicts among 2 promotions/).waitFor();
    await st.screenshot('promotions-list');
  });

  it('shows store groups with their filter and the members they resolve to now, and pages the stores', async () => {
    const { page } = st;
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Groups and master data' }).click();
    const south = page.getByRole('listitem').filter({ hasText: 'South zone' });
    await south.getByText('Filter: store zone is South').waitFor();
    await south.getByText('3 members').waitFor();
    await south.getByRole('button', { name: 'Show members' }).click();
    const members = page.getByRole('list', { name: 'Members of SOUTH' });
    await members.getByText('S002').waitFor();
    expect(await members.getByRole('listitem').allTextContents()).toEqual(['P001', 'S001', 'S002']);
    await st.screenshot('groups');

    await page.getByRole('link', { name: 'Product groups' }).click();
    const bluecut = page.getByRole('listitem').filter({ hasText: 'Blue-cut lenses' });
    await bluecut.getByRole('button', { name: 'Show members' }).click();
    expect(await page.getByRole('list', { name: 'Members of BLUECUT' }).getByRole('listitem').allTextContents()).toEqual(['LENS-BC-150', 'LENS-BC-160']);

    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    await page.getByLabel('Search in').selectOption('city');
    await page.getByLabel('Equals').fill('Chennai');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('.table tbody tr').count()).toBe(3);
  });
});
