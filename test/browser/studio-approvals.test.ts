// Maker-checker in the Studio (an app that needs one approval): the checker asks for changes, the
// maker sees why Publish is disabled, edits, the checker approves exactly that content, the maker
// publishes — and the running server serves it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openStudio, signInWithPassword, type StudioSession } from '../support/studio-browser.ts';
import { DEFINITIONS_DIR } from '../support/test-server.ts';

describe.skipIf(!hasChromium)('Rulepath Studio: approvals', () => {
  let st: StudioSession;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-studio-approvals-'));
    cpSync(DEFINITIONS_DIR, dir, { recursive: true });
    const appFile = path.join(dir, 'solarium', 'app.yaml');
    writeFileSync(appFile, readFileSync(appFile, 'utf8').replace('basePath: /solarium', 'basePath: /solarium\nchanges: { approvals: 1 }').replace(/(\n  kam:\n    label: [^\n]*\n)/, '$1    definitions: { edit: [app], approve: true }\n'));
    st = await openStudio({ definitionsDir: dir });
  });
  afterAll(async () => {
    if (st) {
      expect(st.external).toEqual([]);
      await st.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('requests changes, shows why Publish waits, approves the edited content and publishes it', async () => {
    const { page, url, server } = st;
    const admin = { Authorization: `Bearer ${await server.login('admin@solarium.test')}` };
    const live = (await server.request.get('/v1/apps/solarium/releases/1').set(admin)).body.data;
    const appDef = live.definitions.find((d: { kind: string }) => d.kind === 'app').content;
    const set = (await server.request.post('/v1/apps/solarium/changes').set(admin).send({ title: 'Rename the app' })).body.data;
    const put = (name: string) => server.request.put(`/v1/apps/solarium/changes/${set.id}/definitions/app/solarium`).set(admin).send({ ...appDef, name });
    await put('Solarium Grene Energy');

    // The checker (KAM) reads it and asks for changes.
    await signInWithPassword(page, url, 'solarium', 'kam@solarium.test');
    await page.goto(`${url}/studio/#/solarium/changes/${set.id}`);
    await page.getByRole('heading', { name: 'Rename the app' }).waitFor();
    await page.getByText(/Solarium Grene Energy/).first().waitFor();
    await page.getByRole('button', { name: 'Request changes…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Request changes' });
    await dialog.getByLabel('What should change?').fill('“Grene” is a typo');
    await dialog.getByRole('button', { name: 'Send the request' }).click();
    await page.locator('.reviews').getByText('Changes requested').waitFor();
    // The checker may not publish: the Studio offers no Publish to them.
    expect(await page.getByRole('button', { name: 'Publish now' }).count()).toBe(0);
    await st.screenshot('08-change-set-changes-requested');
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The maker sees why Publish is disabled.
    await signInWithPassword(page, url, 'solarium', 'admin@solarium.test');
    await page.goto(`${url}/studio/#/solarium/changes/${set.id}`);
    await page.getByText(/Cannot publish: .*Changes were requested on this content/).waitFor();
    expect(await page.getByRole('button', { name: 'Publish now' }).isDisabled()).toBe(true);
    await put('Solarium Green Energy');
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The checker approves the content as it is now.
    await signInWithPassword(page, url, 'solarium', 'kam@solarium.test');
    await page.goto(`${url}/studio/#/solarium/changes/${set.id}`);
    await page.getByText('Earlier request').waitFor();
    await page.getByRole('button', { name: 'Approve this content' }).click();
    await page.getByText(/Approved by Kiran KAM/).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The maker publishes it.
    await signInWithPassword(page, url, 'solarium', 'admin@solarium.test');
    await page.goto(`${url}/studio/#/solarium/changes/${set.id}`);
    await page.getByLabel('Comment for the release').fill('Spelling');
    const publish = page.getByRole('button', { name: 'Publish now' });
    await expect.poll(() => publish.isEnabled()).toBe(true);
    await publish.click();
    await page.getByText(/Published: release 2 is live/).waitFor();
    await st.screenshot('09-change-set-published');
    expect(server.engine.registry().apps.get('solarium')!.name).toBe('Solarium Green Energy');
  });
});
