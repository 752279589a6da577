// Saved test cases guard every publish: a change set whose candidate breaks one is refused, naming
// the case; the admin sees it coming (the change set's tests and simulations run against the
// candidate), and publishes once the change and the case agree. Coverage lists the untested moves.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
const G = '/v1/apps/solarium';
let admin: Record<string, string>;

beforeAll(async () => {
  s = await startTestServer();
  admin = { Authorization: `Bearer ${await s.login('admin@solarium.test')}` };
});
afterAll(async () => {
  await s?.close();
});

async function live(kind: string) {
  const releases = (await s.request.get(`${G}/releases`).set(admin)).body.data;
  const release = (await s.request.get(`${G}/releases/${releases[0].number}`).set(admin)).body.data;
  return { number: release.number as number, content: release.definitions.find((d: { kind: string; name: string }) => d.kind === kind && (kind !== 'workflow' || d.name === 'lead-status')).content };
}

const jump = { kind: 'move', entity: 'lead', record: { status: 'new_lead' }, role: 'cp', target: 'won' };

describe('saved test cases at publish', () => {
  it('refuses a change set that breaks a saved case, naming the case, and publishes it once the case says the new rule', async () => {
    const { number, content: workflow } = await live('workflow');
    const set = (await s.request.post(`${G}/changes`).set(admin).send({ title: 'CPs may close at once' })).body.data;
    // CPs may now jump a new lead straight to won: the case "A CP may not jump a new lead to won" says otherwise.
    const put = await s.request.put(`${G}/changes/${set.id}/definitions/workflow/lead-status`).set(admin).send({ ...workflow, matrix: { ...workflow.matrix, new_lead: { ...workflow.matrix.new_lead, won: ['cp'] } } });
    expect(put.body.data.problems).toEqual([]);

    // What the admin sees before publishing: the candidate takes the move, the live release does not, and the case fails.
    expect((await s.request.post(`${G}/changes/${set.id}/simulate`).set(admin).send(jump)).body.data).toMatchObject({ allowed: true, to: 'won' });
    expect((await s.request.post(`${G}/simulate`).set(admin).send(jump)).body.data).toMatchObject({ allowed: false, code: 'INVALID_TRANSITION' });
    const run = (await s.request.get(`${G}/changes/${set.id}/tests`).set(admin)).body.data;
    expect(run.failed).toEqual([expect.objectContaining({ test: 'lead-status', case: 'A CP may not jump a new lead to won', path: '$.cases[1]', actual: expect.objectContaining({ allowed: true, to: 'won' }) })]);
    expect(run.passed).toBe(5);

    const refused = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({ comment: 'Close at once' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'RULE_INVALID', message: '1 saved test case(s) fail with this change set' });
    expect(refused.body.error.details).toEqual([{ path: 'test lead-status $.cases[1]', message: expect.stringMatching(/^Case "A CP may not jump a new lead to won": expected refused, got allowed/) }]);
    // Nothing was released: the live release and what it serves are as before.
    expect((await s.request.get(`${G}/releases`).set(admin)).body.data[0].number).toBe(number);
    expect((await s.request.post(`${G}/simulate`).set(admin).send(jump)).body.data).toMatchObject({ allowed: false });

    // The change and its case together: the case now says a CP may close at once.
    const { content: test } = await live('test');
    const cases = test.cases.map((c: { name: string }) => (c.name === 'A CP may not jump a new lead to won' ? { name: 'A CP may close a new lead at once', simulate: jump, expect: { allowed: true, to: 'won' } } : c));
    expect((await s.request.put(`${G}/changes/${set.id}/definitions/test/lead-status`).set(admin).send({ ...test, cases })).body.data.problems).toEqual([]);
    const published = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({ comment: 'Close at once' });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.data.definitions.map((d: { kind: string }) => d.kind)).toContain('test');
    expect((await s.request.post(`${G}/simulate`).set(admin).send(jump)).body.data).toMatchObject({ allowed: true, to: 'won' });
  });

  it('lists every move with the cases that ask for it, and the untested ones', async () => {
    const set = (await s.request.post(`${G}/changes`).set(admin).send({ title: 'Look at coverage' })).body.data;
    const { coverage } = (await s.request.get(`${G}/changes/${set.id}/tests`).set(admin)).body.data;
    expect(coverage.moves.find((m: { from: string; to: string }) => m.from === 'new_lead' && m.to === 'won')).toMatchObject({
      roles: ['cp'],
      cases: ['A CP may close a new lead at once', 'An admin override needs remarks', 'An admin override with remarks is accepted and logged as an override'].map((c) => ({ test: 'lead-status', case: c })),
    });
    expect(coverage.untested).toContainEqual({ workflow: 'lead-status', entity: 'lead', from: 'won', to: 'executed', event: 'executed', roles: ['cp', 'admin', 'kam'] });
    expect(coverage.untested.some((m: { from: string; to: string }) => m.from === 'quotation_shared' && m.to === 'customer_accepted')).toBe(false);
  });

  it('makes a case that names what the change set removes a problem of the change set, at the case', async () => {
    const { content: workflow } = await live('workflow');
    const set = (await s.request.post(`${G}/changes`).set(admin).send({ title: 'Customers no longer accept' })).body.data;
    const { customer_accepted: _gone, ...states } = workflow.states;
    const matrix = Object.fromEntries(
      Object.entries(workflow.matrix as Record<string, Record<string, string[]>>)
        .filter(([from]) => from !== 'customer_accepted')
        .map(([from, row]) => [from, Object.fromEntries(Object.entries(row).filter(([to]) => to !== 'customer_accepted'))]),
    );
    const put = await s.request.put(`${G}/changes/${set.id}/definitions/workflow/lead-status`).set(admin).send({ ...workflow, states, matrix });
    expect(put.body.data.problems).toContainEqual(expect.objectContaining({ file: 'solarium/lead-status.test.yaml', path: '$.cases[4].simulate.target', message: '"customer_accepted" is not a state of workflow "lead-status"' }));
    // The candidate does not compile, so it can neither be simulated nor tested until it does.
    const tests = await s.request.get(`${G}/changes/${set.id}/tests`).set(admin);
    expect(tests.status).toBe(422);
    expect(tests.body.error.details).toContainEqual({ path: 'solarium/lead-status.test.yaml $.cases[4].simulate.target', message: '"customer_accepted" is not a state of workflow "lead-status"' });
  });
});

describe('saved test cases on the live release and on the files', () => {
  it('runs the cases against the live release for whoever may see the definitions', async () => {
    const run = await s.request.get(`${G}/tests`).set(admin);
    expect(run.status).toBe(200);
    expect(run.body.data).toMatchObject({ failed: [] });
    expect(run.body.data.passed).toBeGreaterThan(0);
    expect(run.body.data.coverage.moves.length).toBeGreaterThan(0);
    const cp = { Authorization: `Bearer ${await s.login('cp1@solarium.test')}` };
    expect((await s.request.get(`${G}/tests`).set(cp)).status).toBe(403);
  });

  it('refuses a files import whose saved case fails, naming the case in its file (the folder is not served)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-cases-'));
    cpSync(DEFINITIONS_DIR, dir, { recursive: true });
    const testFile = path.join(dir, 'solarium', 'lead-status.test.yaml');
    // The case says a CP may jump a new lead to won: the matrix in the files says no.
    writeFileSync(testFile, readFileSync(testFile, 'utf8').replace('expect: { allowed: false, code: INVALID_TRANSITION }', 'expect: { allowed: true, to: won }'));
    const other = await startTestServer({ definitionsDir: dir });
    try {
      const refused = other.engine.loadReport.refused.find((r) => r.app === 'solarium');
      expect(refused?.problems).toContainEqual({ file: path.join(path.basename(dir), 'solarium', 'lead-status.test.yaml'), path: '$.cases[1]', message: expect.stringContaining('Saved test case "A CP may not jump a new lead to won" fails') });
      expect(other.engine.registry().apps.has('solarium')).toBe(false);
      expect(other.engine.registry().apps.has('ekyc')).toBe(true);
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
