// Maker-checker: an app may require approvals before a change set is published; an approval is of
// the change set's exact content, never by whoever opened or edited it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, startTestServer, type TestServer } from '../support/test-server.ts';

let dir: string;
let s: TestServer;
const G = '/v1/apps/solarium';
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-approvals-'));
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  const appFile = path.join(dir, 'solarium', 'app.yaml');
  // One approval needed; the KAM approves (and may edit the app definition), the admin edits and publishes.
  const text = readFileSync(appFile, 'utf8')
    .replace('basePath: /solarium', 'basePath: /solarium\nchanges: { approvals: 1 }')
    .replace(/(\n  kam:\n    label: [^\n]*\n)/, '$1    definitions: { edit: [app], approve: true }\n');
  writeFileSync(appFile, text);
  s = await startTestServer({ definitionsDir: dir });
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('change set approvals', () => {
  it('publishes only after an approval of the current content by someone who did not make it', async () => {
    const admin = await auth('admin@solarium.test');
    const kam = await auth('kam@solarium.test');
    const live = (await s.request.get(`${G}/releases/1`).set(admin)).body.data;
    const appDef = live.definitions.find((d: { kind: string }) => d.kind === 'app').content;
    const set = (await s.request.post(`${G}/changes`).set(admin).send({ title: 'Rename' })).body.data;
    const put = (name: string) => s.request.put(`${G}/changes/${set.id}/definitions/app/solarium`).set(admin).send({ ...appDef, name });
    expect((await put('Solarium One')).body.data.approvals).toEqual({ needed: 1, given: [] });

    expect((await s.request.post(`${G}/changes/${set.id}/approve`).set(admin).send({})).status).toBe(403); // admin may not approve at all
    const unapproved = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({});
    expect(unapproved.status).toBe(409);
    expect(unapproved.body.error.message).toBe('This change set needs 1 approval(s) of its current content; it has 0');

    const approved = await s.request.post(`${G}/changes/${set.id}/approve`).set(kam).send({ comment: 'Looks right' });
    expect(approved.status).toBe(200);
    expect(approved.body.data.approvals.given).toEqual([expect.objectContaining({ role: 'kam' })]);

    // An edit after the approval is not what was approved.
    const seenBefore = approved.body.data.contentHash as string;
    expect((await put('Solarium Two')).body.data.approvals.given).toEqual([]);
    expect((await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({})).status).toBe(409);
    // An approver who says what they read is refused when it changed since (no approving unseen edits).
    const stale = await s.request.post(`${G}/changes/${set.id}/approve`).set(kam).send({ contentHash: seenBefore });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/changed since you read it/);
    const current = (await s.request.get(`${G}/changes/${set.id}`).set(kam)).body.data.contentHash as string;
    expect((await s.request.post(`${G}/changes/${set.id}/approve`).set(kam).send({ contentHash: current })).status).toBe(200);
    const published = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({});
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(s.engine.registry().apps.get('solarium')!.name).toBe('Solarium Two');
  });

  it('refuses an approval by anyone who ever edited the change set, not only its last editor (403)', async () => {
    const admin = await auth('admin@solarium.test');
    const kam = await auth('kam@solarium.test');
    const live = (await s.request.get(`${G}/releases`).set(admin)).body.data[0];
    const appDef = (await s.request.get(`${G}/releases/${live.number}`).set(admin)).body.data.definitions.find((d: { kind: string }) => d.kind === 'app').content;
    const set = (await s.request.post(`${G}/changes`).set(admin).send({ title: 'Both of us' })).body.data;
    // The KAM edits, then the admin puts the same definition over the KAM's edit.
    expect((await s.request.put(`${G}/changes/${set.id}/definitions/app/solarium`).set(kam).send({ ...appDef, name: 'By KAM' })).status).toBe(200);
    expect((await s.request.put(`${G}/changes/${set.id}/definitions/app/solarium`).set(admin).send({ ...appDef, name: 'By admin' })).status).toBe(200);
    expect((await s.request.post(`${G}/changes/${set.id}/approve`).set(kam).send({})).status).toBe(403);
  });

  it('refuses an approval by whoever opened or edited the change set (403)', async () => {
    const kam = await auth('kam@solarium.test');
    const live = (await s.request.get(`${G}/releases`).set(kam)).body.data[0];
    const appDef = (await s.request.get(`${G}/releases/${live.number}`).set(kam)).body.data.definitions.find((d: { kind: string }) => d.kind === 'app').content;
    const set = (await s.request.post(`${G}/changes`).set(kam).send({ title: 'Mine' })).body.data;
    expect((await s.request.put(`${G}/changes/${set.id}/definitions/app/solarium`).set(kam).send({ ...appDef, name: 'Solarium Three' })).status).toBe(200);
    const own = await s.request.post(`${G}/changes/${set.id}/approve`).set(kam).send({});
    expect(own.status).toBe(403);
    expect(own.body.error.message).toBe('You opened or edited this change set: someone else reviews it');
    expect((await s.request.post(`${G}/changes/${set.id}/request-changes`).set(kam).send({ comment: 'Mine to judge?' })).status).toBe(403);
  });

  it('lets a checker ask for changes: that content cannot be published (409) until the change set is edited', async () => {
    const admin = await auth('admin@solarium.test');
    const kam = await auth('kam@solarium.test');
    const live = (await s.request.get(`${G}/releases`).set(admin)).body.data[0];
    const appDef = (await s.request.get(`${G}/releases/${live.number}`).set(admin)).body.data.definitions.find((d: { kind: string }) => d.kind === 'app').content;
    const set = (await s.request.post(`${G}/changes`).set(admin).send({ title: 'Rename again' })).body.data;
    const put = (name: string) => s.request.put(`${G}/changes/${set.id}/definitions/app/solarium`).set(admin).send({ ...appDef, name });
    await put('Solarium Typo');
    expect((await s.request.post(`${G}/changes/${set.id}/approve`).set(kam).send({})).status).toBe(200);
    expect((await s.request.post(`${G}/changes/${set.id}/request-changes`).set(kam).send({})).status).toBe(400); // a comment says what to change
    const asked = await s.request.post(`${G}/changes/${set.id}/request-changes`).set(kam).send({ comment: 'The name has a typo' });
    expect(asked.status).toBe(200);
    // Asking for changes withdraws the checker's approval of that content.
    expect(asked.body.data.approvals.given).toEqual([]);
    expect(asked.body.data.reviews).toEqual([expect.objectContaining({ role: 'kam', name: 'Kiran KAM', comment: 'The name has a typo', current: true })]);
    const refused = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({});
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ message: 'Changes were requested on this content: edit the change set first', details: [{ path: '$.reviews', message: 'The name has a typo' }] });
    // Edited: the request is history, the new content needs its approval.
    expect((await put('Solarium Fixed')).body.data.reviews).toEqual([expect.objectContaining({ current: false })]);
    expect((await s.request.post(`${G}/changes/${set.id}/approve`).set(kam).send({})).status).toBe(200);
    expect((await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({})).status).toBe(200);
    const audit = await s.request.get(`${G}/changes/${set.id}`).set(admin);
    expect(audit.body.data.status).toBe('published');
  });
});
