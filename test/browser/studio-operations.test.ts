// The Operations screen in Chromium, on PromoPartner: a product CSV uploaded through the signed URL
// and registered, its progress bar followed to 100 %, the refused rows as a table and as a download;
// the outbox by status, and a dead-lettered message put back in line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../support/sql.ts';
import { activePromotion, createTransaction, PHONES, seedMasterData, signIn } from '../support/promopartner.ts';
import { hasChromium, openStudio, signInWithPhone, type StudioSession } from '../support/studio-browser.ts';

const GOOD_ROWS = 400;


describe.skipIf(!hasChromium)('Rulepath Studio: operations', () => {
  let st: StudioSession;
  let deadId: string;
  beforeAll(async () => {
    st = await openStudio();
    const { server } = st;
    const admin = await signIn(server, PHONES.admin);
    await seedMasterData(server, admin);
    // A dead letter the way one happens: a published SMS template reads a field the new
    // transaction does not have yet (strict templates refuse to render), so its message is stored dead.
    const set = (await server.request.post('/v1/apps/promopartner/changes').set(admin).send({ title: 'Invoice in the SMS' })).body.data;
    const sms = { kind: 'template', name: 'transaction-confirmation-sms', channel: 'sms', body: 'Thank you. Invoice {{record.invoiceNumber}}, reference {{record.id}}.' };
    expect((await server.request.put(`/v1/apps/promopartner/changes/${set.id}/definitions/template/transaction-confirmation-sms`).set(admin).send(sms)).body.data.problems).toEqual([]);
    expect((await server.request.post(`/v1/apps/promopartner/changes/${set.id}/publish`).set(admin).send({ comment: 'Invoice in the SMS' })).status).toBe(200);
    const store = await signIn(server, PHONES.store);
    await createTransaction(server, store, await activePromotion(server, admin));
    const dead = (await server.request.get('/v1/apps/promopartner/outbox?status=dead').set(admin)).body.data as { id: string; template: string }[];
    expect(dead.map((d) => d.template)).toEqual(['transaction-confirmation-sms']);
    deadId = dead[0]!.id;
    // Past the code's resend window, so the form's sign-in asks for a fresh one.
    server.clock.now = new Date(server.clock.now.getTime() + 16 * 60_000);
  });
  afterAll(async () => {
    if (!st) return;
    expect(st.external).toEqual([]);
    await st.close();
  });

  it('uploads a CSV through the signed URL, registers it and follows the progress bar to 100 %', async () => {
    const { page, url } = st;
    await signInWithPhone(page, url, 'promopartner', PHONES.admin);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { name: 'Operations', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'CSV imports' }).click();
    await page.getByLabel('Import', { exact: true }).selectOption({ label: 'Product master (§4.6.1)' });
    const csv = [
      'sku,name,category,mrp,active',
      ...Array.from({ length: GOOD_ROWS }, (_, i) => `OPS-${i},Imported ${i},lens,${1000 + i},yes`),
      'OPS-BAD-1,Bad price,frame,cheap,',
      'OPS-BAD-2,Bad flag,frame,100,maybe',
      ',No SKU,frame,100,',
    ].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload and import' }).click();

    const bar = page.getByRole('progressbar', { name: 'Rows imported' });
    await bar.waitFor();
    // Watch the bar as it moves: it only goes forward, and ends at 100 with every row counted.
    const seen: number[] = [];
    await expect
      .poll(async () => {
        seen.push(Number(await bar.getAttribute('aria-valuenow')));
        return seen.at(-1);
      }, { timeout: 30_000, interval: 100 })
      .toBe(100);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    console.log(`import progress seen: ${[...new Set(seen)].join(', ')} %`);
    const total = GOOD_ROWS + 3;
    expect(await bar.getAttribute('aria-valuetext')).toBe(`${total} of ${total} rows (100 %)`);
    await page.getByRole('status').getByText(`${GOOD_ROWS} of ${total} rows applied, 3 refused`).waitFor();
    expect(page.url()).toMatch(/#\/promopartner\/operations\/imports\/[0-9a-f-]{36}$/);
    await st.screenshot('operations-import');
  });

  it('shows the error report as a table and downloads it as CSV', async () => {
    const { page } = st;
    const table = page.getByRole('table', { name: /Rows the import refused/ });
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').map((c) => c.trim()))).toEqual([
      [String(GOOD_ROWS + 2), 'mrp', '"cheap" is not a number'],
      [String(GOOD_ROWS + 3), 'active', '"maybe" is not true or false'],
      [String(GOOD_ROWS + 4), 'sku', '"sku" is required to match the row'],
    ]);
    await page.getByRole('heading', { name: 'Error report (3 problems)' }).waitFor();
    await page.getByRole('table', { name: /Rows the import refused/ }).scrollIntoViewIfNeeded();
    await st.screenshot('operations-errors');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^product-import-[0-9a-f]{8}-errors\.csv$/);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8').trim().split('\n');
    expect(text[0]).toBe('row,column,message');
    expect(text).toHaveLength(4);
    // The applied rows are there, through the ordinary record service.
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('rulepath.studio.session.promopartner') ?? '{}') as { token: string }).token);
    const admin = { Authorization: `Bearer ${token}` };
    const found = (await st.server.request.get('/promopartner/v1/products?sku=OPS-399').set(admin)).body.data;
    expect(found?.items?.[0]).toMatchObject({ name: 'Imported 399', mrp: 1399 });
  });

  it('says so, and sends nothing, when an upload URL points off this server', async () => {
    const { page, url } = st;
    // As a server behind a PUBLIC_URL the browser does not use (or a blob store's SAS URL) would answer.
    await page.route('**/imports/*/upload-url', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { data: { uploadUrl: string } };
      body.data.uploadUrl = `https://files.example.com${new URL(body.data.uploadUrl).pathname}`;
      await route.fulfill({ response: res, json: body });
    });
    try {
      await page.goto(`${url}/studio/#/promopartner/operations/imports`);
      await page.getByLabel('CSV file').setInputFiles({ name: 'one.csv', mimeType: 'text/csv', buffer: Buffer.from('sku,name,category\nOFF-1,Off,frame\n') });
      await page.getByRole('button', { name: 'Upload and import' }).click();
      await page.getByRole('alert').getByText(/points at https:\/\/files\.example\.com, not at this server/).waitFor();
    } finally {
      await page.unroute('**/imports/*/upload-url');
    }
    expect(st.requests.some((r) => r.includes('files.example.com'))).toBe(false);
  });

  it('lists the outbox by status and retries a dead-lettered message', async () => {
    const { page, server } = st;
    await page.getByRole('navigation', { name: 'Operations' }).getByRole('link', { name: 'Outbox' }).click();
    const table = page.getByRole('table', { name: /Dead letter messages/ });
    await table.waitFor();
    const row = table.locator('tbody tr').filter({ hasText: 'transaction-confirmation-sms' });
    await row.getByText(/could not be rendered/).waitFor();
    await st.screenshot('operations-outbox');
    await row.getByRole('button', { name: /^Retry SMS to / }).click();
    await page.getByText(/is queued for another attempt/).waitFor();
    // Back in line with a fresh attempt budget, the dispatcher sent it (same idempotency key, one attempt).
    await expect.poll(async () => (await queryRows<{ status: string; attempts: number }>(server.databaseUrl, 'SELECT status, attempts FROM outbox_messages WHERE id = $1', [deadId]))[0]).toEqual({ status: 'sent', attempts: 1 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText('The dead letter is empty').waitFor();

    await page.getByRole('button', { name: 'Sent', exact: true }).click();
    const sent = page.getByRole('table', { name: /Sent messages/ });
    await sent.waitFor();
    // The sign-in codes went out (through the log provider in development).
    expect(await sent.locator('tbody tr').filter({ hasText: 'login-otp-sms' }).count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pending', exact: true }).click();
    await page.getByRole('table', { name: /Pending messages/ }).or(page.getByText('Nothing is waiting to be sent.')).waitFor();
  });
});
