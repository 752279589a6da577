// The Templates screen in Chromium, on PromoPartner: a variable picked from the completion list by
// keyboard, the template rendered by the engine with a real transaction, the engine's lint shown
// inline for an unknown variable and gone once fixed, and the change set holding the template's diff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activePromotion, createTransaction, PHONES, seedMasterData, signIn } from '../support/promopartner.ts';
import { hasChromium, openStudio, signInWithPhone, type StudioSession } from '../support/studio-browser.ts';

const TEMPLATE = 'transaction-confirmation-sms';


describe.skipIf(!hasChromium)('Rulepath Studio: templates', () => {
  let st: StudioSession;
  let transaction: Record<string, unknown> & { id: string };
  beforeAll(async () => {
    st = await openStudio();
    // A real transaction to preview with, made as the store would make it.
    const admin = await signIn(st.server, PHONES.admin);
    await seedMasterData(st.server, admin);
    const store = await signIn(st.server, PHONES.store);
    transaction = await createTransaction(st.server, store, await activePromotion(st.server, admin));
    // Past the code's resend window, so the form's sign-in asks for a fresh one.
    st.server.clock.now = new Date(st.server.clock.now.getTime() + 16 * 60_000);
  });
  afterAll(async () => {
    if (!st) return;
    expect(st.external).toEqual([]);
    await st.close();
  });

  it('lists the templates and previews one rendered by the engine with a real record', async () => {
    const { page, url } = st;
    await signInWithPhone(page, url, 'promopartner', PHONES.admin);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('heading', { name: 'Templates', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Templates' }).getByRole('link', { name: new RegExp(TEMPLATE) }).click();
    await page.getByText(/sent by workflow “reconciliation” about a transaction/).waitFor();
    // The newest transaction is picked; the engine renders the live template with it.
    await expect.poll(() => page.getByLabel('Preview with transaction').inputValue()).toBe(transaction.id);
    const text = page.getByTestId('preview-text');
    await expect.poll(() => text.textContent()).toBe(`Thank you for your purchase. Offer applied: you saved Rs ${String(transaction.discountAmount)}. Reference ${transaction.id}.`);
  });

  it('offers the variables after {{ and inserts one picked by keyboard; saved, the preview renders the draft', async () => {
    const { page } = st;
    const message = page.getByLabel('Message', { exact: true });
    await message.focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' You paid Rs {{record.net');
    const list = page.getByRole('listbox', { name: 'Variables for Message' });
    await list.waitFor();
    await expect.poll(() => list.getByRole('option').first().textContent()).toContain('record.netAmount');
    // Down and up again (the list wraps), then Enter takes the highlighted one.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => list.getByRole('option', { selected: true }).textContent()).toContain('record.netAmount');
    await page.keyboard.press('Enter');
    await list.waitFor({ state: 'hidden' });
    await page.keyboard.type('.');
    expect(await message.inputValue()).toMatch(/You paid Rs \{\{record\.netAmount\}\}\.$/);

    await page.getByRole('button', { name: 'Save to change set' }).click();
    await page.getByText('No problems with this template in the change set.').waitFor();
    await page.getByText('the change set’s draft').waitFor();
    await expect.poll(() => page.getByTestId('preview-text').textContent()).toContain(`You paid Rs ${String(transaction.netAmount)}.`);
    await page.getByRole('link', { name: /Working in Edit template/ }).waitFor();
    await st.screenshot('templates-editor');
  });

  it('shows the engine’s lint inline for an unknown variable, and clears it when fixed', async () => {
    const { page } = st;
    const message = page.getByLabel('Message', { exact: true });
    const fixed = await message.inputValue();
    await message.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Colour {{record.colour');
    await page.keyboard.press('Escape');
    await page.keyboard.type('}}');
    // Ctrl+S saves from the field.
    await page.keyboard.press('Control+s');
    const problems = page.getByRole('list', { name: 'Problems' });
    await problems.getByText(/record\.colour.*entity "transaction" has no field "colour"/).waitFor();
    // Reported where the template is sent from (the workflow), and marked on the field that reads it.
    await expect.poll(() => message.getAttribute('aria-invalid')).toBe('true');
    await problems.getByText(/reconciliation/).first().waitFor();
    await st.screenshot('templates-lint');

    await message.fill(fixed);
    await page.getByRole('button', { name: 'Save to change set' }).click();
    await page.getByText('No problems with this template in the change set.').waitFor();
    expect(await problems.count()).toBe(0);
    expect(await message.getAttribute('aria-invalid')).toBe(null);
  });

  it('shows what the change set changes in the template, here and on the change set', async () => {
    const { page } = st;
    await page.getByRole('heading', { name: 'What the change set changes here' }).waitFor();
    await page.getByRole('link', { name: 'Review and publish the change set →' }).click();
    await page.getByRole('heading', { name: `template ${TEMPLATE}`, exact: true }).waitFor();
    await page.locator('.change').filter({ hasText: /body/i }).first().waitFor();
  });

  it('keeps an HTML preview in a sandboxed frame', async () => {
    const { page, url } = st;
    await page.goto(`${url}/studio/#/promopartner/templates/transaction-confirmation-email`);
    const frame = page.locator('iframe[title="HTML preview of transaction-confirmation-email"]');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect.poll(() => page.getByTestId('preview-subject').textContent()).toBe('Your purchase confirmation');
    await expect.poll(() => frame.contentFrame().getByText('Thank you for your purchase.').count()).toBe(1);
  });
});
