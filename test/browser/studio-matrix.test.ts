// The status matrix screen in Chromium, as a Solarium admin uses it against the real server: cells
// edited with the mouse and with the keyboard land in a change set and in the diagram; removing the
// last way into a state shows the warning on that state and holds Publish; a simulated move is saved
// as a test case; the change is published and the server applies it; a rollback serves the old one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, openStudio, signInWithPassword, signInWithPhone, type StudioSession } from '../support/studio-browser.ts';

const saved = (page: Page) => page.getByRole('status', { name: 'Save status' }).getByText(/All edits saved in the change set/).waitFor();

describe.skipIf(!hasChromium)('Rulepath Studio: the status matrix', () => {
  let st: StudioSession;
  beforeAll(async () => {
    st = await openStudio();
  });
  afterAll(async () => {
    if (!st) return;
    await st.close();
  });

  it('edits cells in a change set, shows moves and problems on the diagram, simulates, saves a test, publishes and rolls back', async () => {
    const { page, url, server } = st;
    const admin = { Authorization: `Bearer ${await server.login('admin@solarium.test')}` };
    const cp = { Authorization: `Bearer ${await server.login('cp1@solarium.test')}` };
    let phone = 9400000001;
    const shareQuotation = async () => {
      const lead = (await server.request.post('/solarium/leads').set(cp).send({ name: 'Matrix test', phone: String(phone++), city: 'Pune' })).body.data;
      return server.request.patch(`/solarium/leads/${lead.id}/status`).set(cp).send({ newStatus: 'quotation_shared' });
    };
    // Live (release 1): a CP cannot share a quotation straight from a new lead.
    const before = await shareQuotation();
    expect(before.status).not.toBe(200);
    expect(before.body.error.code).toBe('INVALID_TRANSITION');

    await signInWithPassword(page, url, 'solarium', 'admin@solarium.test');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Status matrix' }).click();
    // Solarium has two workflows (the lead status and the commission payout): the lead's is edited here.
    await page.getByLabel('Workflow', { exact: true }).selectOption('lead-status');
    const grid = page.getByRole('table', { name: /^Status matrix of lead-status/ });
    await grid.waitFor();
    const diagram = page.getByRole('figure', { name: 'State diagram of lead-status' });
    const edge = (name: string) => diagram.locator(`.react-flow__edge[aria-label="Move ${name}"]`);
    await edge('Quotation Shared to Won: cp, admin, kam').waitFor();
    await diagram.locator('.react-flow__node[aria-label="State New Lead (initial)"]').waitFor();
    await diagram.locator('.react-flow__node[aria-label="State Executed (final)"]').waitFor();
    await page.getByRole('status', { name: 'Save status' }).getByText('No edits: this is the live workflow (release 1)').waitFor();

    // With the keyboard: the grid is one tab stop; arrows move between cells (from Quotation Shared
    // → Customer Accepted, one right is → Won); key 4 gives the fourth role of the app (customer).
    await grid.getByRole('button', { name: /^From Quotation Shared to Customer Accepted:/ }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('From Quotation Shared to Won: cp, admin, kam');
    await page.keyboard.press('4');
    await grid.getByRole('button', { name: 'From Quotation Shared to Won: cp, admin, kam, customer' }).waitFor();
    await edge('Quotation Shared to Won: cp, admin, kam, customer').waitFor();
    await saved(page);
    // Enter opens the focused cell in the editor.
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Quotation Shared → Won' }).getByRole('checkbox', { name: /Customer/ }).waitFor();
    expect(await page.getByRole('region', { name: 'Quotation Shared → Won' }).getByRole('checkbox', { name: /Customer/ }).isChecked()).toBe(true);

    // With the mouse: a new move, New Lead → Quotation Shared, for CPs.
    await grid.getByRole('button', { name: 'From New Lead to Quotation Shared: no move' }).click();
    const cell = page.getByRole('region', { name: 'New Lead → Quotation Shared' });
    await cell.getByRole('checkbox', { name: /Channel Partner/ }).check();
    await grid.getByRole('button', { name: 'From New Lead to Quotation Shared: cp' }).waitFor();
    await edge('New Lead to Quotation Shared: cp').waitFor();
    await saved(page);
    await page.getByText('Move new_lead → quotation_shared added', { exact: false }).first().waitFor();
    await st.screenshot('matrix-grid');

    // The only way into Site Survey, removed: the warning shows at the state, in the grid and the
    // diagram, and Publish is held.
    await grid.getByRole('button', { name: 'From In Discussion to Site Survey: cp, admin, kam' }).click();
    await page.getByRole('region', { name: 'In Discussion → Site Survey' }).getByRole('button', { name: 'Remove this move' }).click();
    await saved(page);
    const siteSurvey = grid.getByRole('rowheader', { name: /Site Survey/ });
    await siteSurvey.getByText('unreachable').waitFor();
    await diagram.locator('.react-flow__node[aria-label="State Site Survey (unreachable)"]').waitFor();
    await page.getByText(/State "site_survey" cannot be reached from "new_lead" by any move/).first().waitFor();
    expect(await edge('In Discussion to Site Survey: cp, admin, kam').count()).toBe(0);
    const publish = page.getByRole('button', { name: 'Publish now' });
    expect(await publish.isDisabled()).toBe(true);
    await page.getByText(/Cannot publish from here yet: 1 warning in lead-status \(site_survey unreachable\)/).waitFor();
    await st.screenshot('matrix-problem');

    // Put the move back: the warning goes, Publish is free.
    const back = page.getByRole('region', { name: 'In Discussion → Site Survey' });
    for (const role of [/Channel Partner/, /Admin/, /Key Account Manager/]) await back.getByRole('checkbox', { name: role }).check();
    await saved(page);
    await grid.getByRole('button', { name: 'From In Discussion to Site Survey: cp, admin, kam' }).waitFor();
    expect(await siteSurvey.getByText('unreachable').count()).toBe(0);
    await edge('In Discussion to Site Survey: cp, admin, kam').waitFor();
    expect(await publish.isDisabled()).toBe(false);

    // Try a move against the change set, and keep it as a test case.
    await page.getByLabel('A record in', { exact: true }).selectOption('new_lead');
    await page.getByLabel('Moved by the role', { exact: true }).selectOption('cp');
    await page.getByLabel('Moved to', { exact: true }).selectOption('quotation_shared');
    await page.getByRole('button', { name: 'Try the move' }).click();
    const result = page.getByRole('status', { name: 'Simulation result' });
    await result.getByText('Allowed', { exact: true }).waitFor();
    await result.getByText(/Against the change set/).waitFor();
    await result.getByLabel('Test case name').fill('A CP shares a quotation straight from a new lead');
    await result.getByRole('button', { name: 'Save as test' }).click();
    await result.getByText('Saved as a test case in “lead-status”, in the change set.').waitFor();
    await page.getByText('case “A CP shares a quotation straight from a new lead”').waitFor();
    await st.screenshot('matrix-simulator');
    const [open] = (await server.request.get('/v1/apps/solarium/changes?status=open').set(admin)).body.data;
    const cs = (await server.request.get(`/v1/apps/solarium/changes/${open.id}`).set(admin)).body.data;
    const test = cs.definitions.find((d: { kind: string }) => d.kind === 'test');
    expect(test.content.cases.at(-1)).toEqual({
      name: 'A CP shares a quotation straight from a new lead',
      simulate: { kind: 'move', entity: 'lead', record: { status: 'new_lead' }, role: 'cp', target: 'quotation_shared' },
      expect: { allowed: true, to: 'quotation_shared' },
    });
    expect(cs.problems).toEqual([]);

    // Publish from the screen; the server applies the new matrix.
    await page.getByLabel('Comment for the release').fill('CPs share quotations from new leads');
    await publish.click();
    await page.getByText('Published: release 2 is live').waitFor();
    await page.getByText('No open change set: your first edit opens one.').waitFor();
    await grid.getByRole('button', { name: 'From New Lead to Quotation Shared: cp' }).waitFor();
    await page.getByRole('status', { name: 'Save status' }).getByText('No edits: this is the live workflow (release 2)').waitFor();
    expect(await page.getByRole('status', { name: 'Simulation result' }).count()).toBe(0);
    await st.screenshot('matrix-published');
    const after = await shareQuotation();
    expect(after.status).toBe(200);
    expect(after.body.data.status).toBe('quotation_shared');
    expect(server.engine.registry().apps.get('solarium')!.workflows.get('lead-status')!.states).toHaveProperty('site_survey');

    // Roll back from the Releases screen: the old matrix is served again.
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Releases' }).click();
    await page.getByRole('heading', { name: 'Live: release 2' }).waitFor();
    await page.getByRole('button', { name: 'Roll back to release 1' }).click();
    await page.getByRole('dialog', { name: 'Roll back to release 1?' }).getByRole('button', { name: 'Roll back now' }).click();
    await page.getByRole('heading', { name: 'Live: release 3' }).waitFor();
    const rolledBack = await shareQuotation();
    expect(rolledBack.status).not.toBe(200);
    expect(rolledBack.body.error.code).toBe('INVALID_TRANSITION');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Status matrix' }).click();
    await page.getByLabel('Workflow', { exact: true }).selectOption('lead-status');
    await grid.getByRole('button', { name: 'From New Lead to Quotation Shared: no move' }).waitFor();
    await grid.getByRole('button', { name: 'From Quotation Shared to Won: cp, admin, kam' }).waitFor();

    expect(st.external).toEqual([]);
  }, 120_000);

  it('shows a workflow authored as transitions read-only, saying so, and the keys change nothing', async () => {
    const { page, url } = st;
    await page.goto(`${url}/studio/#/ekyc`);
    await page.getByLabel('Email').fill('ops@ekyc.test');
    await page.getByLabel('Password').fill('demo1234');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Status matrix' }).click();
    await page.getByText(/authored as a list of transitions \(events, conditions, effects\): shown read-only here/).waitFor();
    const grid = page.getByRole('table', { name: /^Status matrix of journey/ });
    const cell = grid.getByRole('button', { name: 'From Registration to Mobile verified: applicant' });
    await cell.focus();
    await page.keyboard.press('1');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Enter');
    const editor = page.getByRole('region', { name: 'Registration → Mobile verified' });
    await editor.getByText('Event: verify_mobile.', { exact: false }).waitFor();
    expect(await editor.getByRole('checkbox', { name: /applicant/ }).isDisabled()).toBe(true);
    expect(await editor.getByRole('button', { name: 'Remove this move' }).count()).toBe(0);
    await page.getByRole('figure', { name: 'State diagram of journey' }).locator('.react-flow__edge[aria-label="Move Registration to Mobile verified: applicant"]').waitFor();
    await page.getByRole('status', { name: 'Save status' }).getByText(/No edits: this is the live workflow/).waitFor();
    await st.screenshot('matrix-transitions');
    expect(st.external).toEqual([]);
  });

  it('picks the workflow when the app has several (PromoPartner)', async () => {
    const { page, url } = st;
    await signInWithPhone(page, url, 'promopartner', '9000000001');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Status matrix' }).click();
    await page.getByRole('table', { name: /^Status matrix of promotion-lifecycle/ }).waitFor();
    await page.getByLabel('Workflow', { exact: true }).selectOption('reconciliation');
    await page.getByRole('table', { name: /^Status matrix of reconciliation/ }).waitFor();
    await page.getByRole('figure', { name: 'State diagram of reconciliation' }).locator('.react-flow__edge').first().waitFor();
    expect(new URL(page.url()).hash).toBe('#/promopartner/matrix/reconciliation');
    expect(st.external).toEqual([]);
  });
});
