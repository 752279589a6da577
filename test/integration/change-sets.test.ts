// Business admins change definitions at runtime: a change set is saved with its problems, published
// as a release that every process serves at once, rolled back by a release equal to an older one;
// the files engineers edit never silently overwrite an admin's release.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog, type Engine } from '../../engine/index.ts';
import { queryRows } from '../support/sql.ts';
import { DEFINITIONS_DIR, PLUGINS_DIR, startTestServer, TEST_SECRET, type TestServer } from '../support/test-server.ts';

let dir: string;
let s: TestServer;
const G = '/v1/apps/solarium';
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });
const appFile = () => path.join(dir, 'solarium', 'app.yaml');
const wfFile = () => path.join(dir, 'solarium', 'lead-status.workflow.yaml');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-changes-'));
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  // A KAM who may edit templates only (and publish nothing), to show rights per kind.
  writeFileSync(appFile(), readFileSync(appFile(), 'utf8').replace(/(\n  kam:\n    label: [^\n]*\n)/, '$1    definitions: { edit: [template] }\n'));
  s = await startTestServer({ definitionsDir: dir });
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function liveWorkflow(as: Record<string, string>) {
  const releases = (await s.request.get(`${G}/releases`).set(as)).body.data;
  const live = (await s.request.get(`${G}/releases/${releases[0].number}`).set(as)).body.data;
  return { number: live.number as number, workflow: live.definitions.find((d: { kind: string; name: string }) => d.kind === 'workflow' && d.name === 'lead-status').content };
}

/** The workflow with customers also allowed to move quotation_shared -> won. */
const customerMayWin = (wf: { matrix: Record<string, Record<string, string[]>> }) => ({
  ...wf,
  matrix: { ...wf.matrix, quotation_shared: { ...wf.matrix.quotation_shared, won: [...wf.matrix.quotation_shared!.won!, 'customer'] } },
});

async function publishWorkflow(as: Record<string, string>, workflow: object, title = 'Change the matrix') {
  const set = (await s.request.post(`${G}/changes`).set(as).send({ title })).body.data;
  const saved = await s.request.put(`${G}/changes/${set.id}/definitions/workflow/lead-status`).set(as).send(workflow);
  return { set, saved, publish: () => s.request.post(`${G}/changes/${set.id}/publish`).set(as).send({ comment: title }) };
}

describe('change sets and releases', () => {
  it('starts with the files as release 1', async () => {
    const res = await s.request.get(`${G}/releases`).set(await auth('admin@solarium.test'));
    expect(res.body.data.map((r: { number: number; source: string; createdBy: string }) => [r.number, r.source, r.createdBy])).toEqual([[1, 'files', 'files']]);
  });

  it('publishes a change set as the next release, served at once, and audits every step', async () => {
    const admin = await auth('admin@solarium.test');
    const { workflow } = await liveWorkflow(admin);
    const { set, saved, publish } = await publishWorkflow(admin, customerMayWin(workflow));
    expect(saved.status).toBe(200);
    expect(saved.body.data).toMatchObject({ status: 'open', baseRelease: 1, problems: [], definitions: [{ kind: 'workflow', name: 'lead-status', removed: false, stale: false }] });
    const released = await publish();
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body.data).toMatchObject({ number: 2, source: 'admin', changeSet: set.id, comment: 'Change the matrix' });
    expect(s.engine.registry().releases?.get('solarium')).toBe(2);
    const wf = s.engine.registry().apps.get('solarium')!.workflows.get('lead-status')!;
    expect(wf.transitions.find((t) => t.from === 'quotation_shared' && t.to === 'won')!.roles.has('customer')).toBe(true);
    const audit = await sql<{ action: string }>("SELECT action FROM audit_entries WHERE entity = '_definitions' AND record_id = $1 ORDER BY id", [set.id]);
    expect(audit.map((a) => a.action)).toEqual(['changes.open', 'changes.put', 'changes.publish']);
  });

  it('saves a draft with problems and answers them; publishing it is refused and changes nothing', async () => {
    const admin = await auth('admin@solarium.test');
    const { workflow, number } = await liveWorkflow(admin);
    const { saved, publish } = await publishWorkflow(admin, { ...workflow, initial: 'nowhere' }, 'Broken');
    expect(saved.status).toBe(200);
    expect(saved.body.data.problems).toEqual([expect.objectContaining({ path: '$.initial', message: 'State "nowhere" is not declared in "states"' })]);
    const refused = await publish();
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('RULE_INVALID');
    expect(s.engine.registry().releases?.get('solarium')).toBe(number);
  });

  it('refuses to publish a definition someone else released since the change set was opened (409)', async () => {
    const admin = await auth('admin@solarium.test');
    const { workflow } = await liveWorkflow(admin);
    const first = await publishWorkflow(admin, { ...workflow, states: { ...workflow.states, on_hold: { label: 'Waiting' } } }, 'First');
    const second = await publishWorkflow(admin, { ...workflow, states: { ...workflow.states, on_hold: { label: 'Parked' } } }, 'Second');
    expect((await first.publish()).status).toBe(200);
    const stale = await second.publish();
    expect(stale.status).toBe(409);
    expect(stale.body.error.details).toEqual([{ path: '$.definitions.workflow/lead-status', message: 'Changed in the live release since this change set was opened' }]);
    expect(s.engine.registry().apps.get('solarium')!.workflows.get('lead-status')!.states.on_hold!.label).toBe('Waiting');
  });

  it('rolls back with a new release equal to the old one', async () => {
    const admin = await auth('admin@solarium.test');
    const back = await s.request.post(`${G}/releases/1/rollback`).set(admin).send({});
    expect(back.status).toBe(200);
    const releases = (await s.request.get(`${G}/releases`).set(admin)).body.data;
    expect(releases[0]).toMatchObject({ number: back.body.data.number, source: 'rollback', comment: 'Rollback to release 1' });
    expect(releases[0].checksum).toBe(releases.at(-1).checksum);
    expect(s.engine.registry().apps.get('solarium')!.workflows.get('lead-status')!.states.on_hold!.label).toBe('On Hold');
  });

  it('gives each role only the rights its app names: KAM may edit templates, not workflows, and publish nothing; a CP nothing', async () => {
    const kam = await auth('kam@solarium.test');
    const set = (await s.request.post(`${G}/changes`).set(kam).send({ title: 'Templates only' })).body.data;
    const { workflow } = await liveWorkflow(await auth('admin@solarium.test'));
    expect((await s.request.put(`${G}/changes/${set.id}/definitions/workflow/lead-status`).set(kam).send(workflow)).status).toBe(403);
    expect((await s.request.post(`${G}/changes/${set.id}/publish`).set(kam).send({})).status).toBe(403);
    expect((await s.request.get(`${G}/releases`).set(await auth('cp1@solarium.test'))).status).toBe(403);
  });
});

describe('an edit racing a publish', () => {
  it('either lands in the release or is refused (409): never saved into a change set already published', async () => {
    const admin = await auth('admin@solarium.test');
    for (let i = 0; i < 6; i++) {
      const { workflow } = await liveWorkflow(admin);
      const { set } = await publishWorkflow(admin, { ...workflow, states: { ...workflow.states, on_hold: { label: `Before ${i}` } } }, `Race ${i}`);
      const edited = { ...workflow, states: { ...workflow.states, on_hold: { label: `Edited ${i}` } } };
      const [put, published] = await Promise.all([
        s.request.put(`${G}/changes/${set.id}/definitions/workflow/lead-status`).set(admin).send(edited),
        s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({}),
      ]);
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      const released = (await s.request.get(`${G}/releases/${published.body.data.number}`).set(admin)).body.data;
      const label = released.definitions.find((d: { kind: string; name: string }) => d.kind === 'workflow' && d.name === 'lead-status').content.states.on_hold.label;
      if (put.status === 200) expect(label).toBe(`Edited ${i}`);
      else {
        expect(put.status).toBe(409);
        expect(label).toBe(`Before ${i}`);
      }
      // What the change set holds is what was released.
      const [item] = await sql<{ checksum: string }>("SELECT checksum FROM change_set_items WHERE change_set = $1", [set.id]);
      expect(item!.checksum).toBe(released.definitions.find((d: { kind: string; name: string }) => d.kind === 'workflow' && d.name === 'lead-status').checksum);
    }
    // Back to the files' workflow for the tests that follow.
    expect((await s.request.post(`${G}/releases/1/rollback`).set(admin).send({})).status).toBe(200);
  });
});

describe('records in flight', () => {
  /** The workflow without on_hold: its state, its row and every move into it. */
  const withoutOnHold = (wf: { states: Record<string, unknown>; matrix: Record<string, Record<string, unknown>> }) => ({
    ...wf,
    states: Object.fromEntries(Object.entries(wf.states).filter(([k]) => k !== 'on_hold')),
    matrix: Object.fromEntries(Object.entries(wf.matrix).filter(([k]) => k !== 'on_hold').map(([from, row]) => [from, Object.fromEntries(Object.entries(row).filter(([to]) => to !== 'on_hold'))])),
  });

  it('refuses to remove a state records are in (409 with the counts) until the publish maps it; then moves them with timeline and audit', async () => {
    const admin = await auth('admin@solarium.test');
    const lead = (await s.request.post('/solarium/leads').set(admin).send({ name: 'On hold lead', phone: '9877700001', city: 'Pune' })).body.data;
    for (const newStatus of ['in_discussion', 'on_hold']) expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(admin).send({ newStatus })).status).toBe(200);
    const { workflow } = await liveWorkflow(admin);
    const { saved, set } = await publishWorkflow(admin, withoutOnHold(workflow), 'Drop on_hold');
    // Only the demo data's warning (it moves a demo lead on hold; development only).
    expect(saved.body.data.problems.filter((p: { severity?: string }) => p.severity !== 'warning')).toEqual([]);
    const refused = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({});
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', data: { counts: { 'lead-status': { on_hold: 1 } } }, details: [{ path: '$.mappings.lead-status.on_hold' }] });
    const badTarget = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({ mappings: { 'lead-status': { on_hold: 'limbo' } } });
    expect(badTarget.status).toBe(409);
    const published = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({ mappings: { 'lead-status': { on_hold: 'in_discussion' } } });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const after = (await s.request.get(`/solarium/leads/${lead.id}`).set(admin)).body.data;
    expect(after).toMatchObject({ status: 'in_discussion', version: 4 });
    const timeline = (await s.request.get(`/solarium/leads/${lead.id}/timeline`).set(admin)).body.data;
    expect(timeline.at(-1)).toMatchObject({ event: 'release.migrate', from: 'on_hold', to: 'in_discussion', role: 'admin' });
    const audit = await sql<{ action: string }>("SELECT action FROM audit_entries WHERE record_id = $1 ORDER BY id DESC LIMIT 1", [lead.id]);
    expect(audit[0]!.action).toBe('record.migrate');
    const dropped = published.body.data.number as number;
    // Back to the files' workflow, a lead on hold again, then a rollback to the release without
    // on_hold: checked as a publish is — 409 with the count until mapped.
    expect((await s.request.post(`${G}/releases/1/rollback`).set(admin).send({})).status).toBe(200);
    expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(admin).send({ newStatus: 'on_hold' })).status).toBe(200);
    const unmapped = await s.request.post(`${G}/releases/${dropped}/rollback`).set(admin).send({});
    expect(unmapped.status).toBe(409);
    expect(unmapped.body.error.data).toEqual({ counts: { 'lead-status': { on_hold: 1 } } });
    const mapped = await s.request.post(`${G}/releases/${dropped}/rollback`).set(admin).send({ mappings: { 'lead-status': { on_hold: 'lost' } } });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    expect((await s.request.get(`/solarium/leads/${lead.id}`).set(admin)).body.data.status).toBe('lost');
    // Back to the files' workflow for the tests that follow.
    expect((await s.request.post(`${G}/releases/1/rollback`).set(admin).send({})).status).toBe(200);
  });
});

describe('every process serves the live release', () => {
  let other: Engine;
  let otherDb: ReturnType<typeof createDatabase>;
  beforeAll(async () => {
    otherDb = createDatabase(s.databaseUrl);
    other = await createEngine({ db: otherDb, plugins: await loadPluginCatalog(PLUGINS_DIR), definitionsDir: dir, dataDir: dir, production: false, logger: createLogger('silent'), jwtSecret: TEST_SECRET });
  });
  afterAll(async () => closeDatabase(otherDb));

  it('serves a release published in another process within 2 seconds, without a restart', async () => {
    const admin = await auth('admin@solarium.test');
    const { workflow } = await liveWorkflow(admin);
    const { publish } = await publishWorkflow(admin, { ...workflow, states: { ...workflow.states, on_hold: { label: 'On ice' } } }, 'Across processes');
    const started = Date.now();
    const number = (await publish()).body.data.number as number;
    while (other.registry().releases?.get('solarium') !== number && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 20));
    expect(other.registry().releases?.get('solarium')).toBe(number);
    expect(other.registry().apps.get('solarium')!.workflows.get('lead-status')!.states.on_hold!.label).toBe('On ice');
  });
});

describe('the files and the admins’ releases', () => {
  const restart = async () => {
    const db = createDatabase(s.databaseUrl);
    const engine = await createEngine({ db, plugins: await loadPluginCatalog(PLUGINS_DIR), definitionsDir: dir, dataDir: dir, production: false, logger: createLogger('silent'), jwtSecret: TEST_SECRET });
    await closeDatabase(db);
    return engine;
  };

  it('keeps an admin’s release when the files did not change', async () => {
    const live = s.engine.registry().releases?.get('solarium');
    const engine = await restart();
    expect(engine.registry().releases?.get('solarium')).toBe(live);
    expect(engine.registry().apps.get('solarium')!.workflows.get('lead-status')!.states.on_hold!.label).toBe('On ice');
  });

  it('applies a file change over the admin’s release, and holds back one that meets an admin’s change (reported)', async () => {
    const live = s.engine.registry().releases!.get('solarium')!;
    // The entity changed in the files (the admin never touched it); the workflow changed in both.
    const entity = path.join(dir, 'solarium', 'lead.entity.yaml');
    writeFileSync(entity, readFileSync(entity, 'utf8').replace('label: Lead', 'label: Solar lead'));
    writeFileSync(wfFile(), readFileSync(wfFile(), 'utf8').replace('on_hold: { label: On Hold }', 'on_hold: { label: Held }'));
    const engine = await restart();
    expect(engine.loadReport.conflicts).toEqual([{ app: 'solarium', definitions: ['workflow/lead-status'] }]);
    expect(engine.registry().releases?.get('solarium')).toBe(live + 1);
    const app = engine.registry().apps.get('solarium')!;
    expect(app.entities.get('lead')!.label).toBe('Solar lead');
    expect(app.workflows.get('lead-status')!.states.on_hold!.label).toBe('On ice');
    // A second start with the same files changes nothing more (the conflict stays reported).
    const again = await restart();
    expect(again.registry().releases?.get('solarium')).toBe(live + 1);
    expect(again.loadReport.conflicts).toEqual([{ app: 'solarium', definitions: ['workflow/lead-status'] }]);
  });
});

describe('scheduled publishing', () => {
  it('publishes at the set time, also after a restart, checked again then; refuses a time in the past', async () => {
    const admin = await auth('admin@solarium.test');
    const { workflow } = await liveWorkflow(admin);
    const { set } = await publishWorkflow(admin, { ...workflow, states: { ...workflow.states, on_hold: { label: 'Scheduled label' } } }, 'Tonight');
    const past = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({ at: new Date(s.clock.now.getTime() - 60_000).toISOString() });
    expect(past.status).toBe(400);
    const at = new Date(s.clock.now.getTime() + 60 * 60_000);
    const scheduled = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({ at: at.toISOString(), comment: 'At night' });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    expect(scheduled.body.data).toMatchObject({ status: 'scheduled', publishAt: at.toISOString() });
    const live = s.engine.registry().releases!.get('solarium')!;
    // Not yet: nothing happens before its time.
    expect(await s.engine.changes.publishDue()).toEqual({ published: 0, failed: 0 });
    // A restart keeps it: another engine on the same database publishes it when the time comes.
    const db = createDatabase(s.databaseUrl);
    const clock = { now: new Date(at.getTime() + 1000) };
    const restarted = await createEngine({ db, plugins: await loadPluginCatalog(PLUGINS_DIR), definitionsDir: dir, dataDir: dir, production: false, logger: createLogger('silent'), jwtSecret: TEST_SECRET, clock: () => clock.now });
    expect(await restarted.changes.publishDue()).toEqual({ published: 1, failed: 0 });
    expect(restarted.registry().releases?.get('solarium')).toBe(live + 1);
    await closeDatabase(db);
    const started = Date.now();
    while (s.engine.registry().releases?.get('solarium') !== live + 1 && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 20));
    expect(s.engine.registry().apps.get('solarium')!.workflows.get('lead-status')!.states.on_hold!.label).toBe('Scheduled label');
  });

  it('puts a scheduled change set back to open with the reason when it no longer passes at its time', async () => {
    const admin = await auth('admin@solarium.test');
    const { workflow } = await liveWorkflow(admin);
    const scheduledOne = await publishWorkflow(admin, { ...workflow, states: { ...workflow.states, on_hold: { label: 'Later' } } }, 'Later');
    const at = new Date(s.clock.now.getTime() + 60 * 60_000);
    expect((await s.request.post(`${G}/changes/${scheduledOne.set.id}/publish`).set(admin).send({ at: at.toISOString() })).status).toBe(200);
    // Someone publishes the same workflow first: the scheduled one is stale when its time comes.
    expect((await (await publishWorkflow(admin, { ...workflow, states: { ...workflow.states, on_hold: { label: 'Sooner' } } }, 'Sooner')).publish()).status).toBe(200);
    s.clock.now = new Date(at.getTime() + 1000);
    expect(await s.engine.changes.publishDue()).toEqual({ published: 0, failed: 1 });
    const [after] = await sql<{ status: string; schedule_error: string }>('SELECT status, schedule_error FROM change_sets WHERE id = $1', [scheduledOne.set.id]);
    expect(after!.status).toBe('open');
    expect(after!.schedule_error).toMatch(/released by someone else/);
  });

  it('carries mappings: the records in a removed state at its time move with them; a mapping to no state is refused when it is scheduled', async () => {
    // Fresh sessions: the fake clock moves past a session's hour.
    const signIn = async () => ({ Authorization: `Bearer ${(await s.request.post('/v1/apps/solarium/auth/login').send({ email: 'admin@solarium.test', password: 'demo1234' })).body.data.accessToken as string}` });
    let admin = await signIn();
    const onHold = async (name: string, phone: string) => {
      const lead = (await s.request.post('/solarium/leads').set(admin).send({ name, phone, city: 'Pune' })).body.data;
      for (const newStatus of ['in_discussion', 'on_hold']) expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(admin).send({ newStatus })).status).toBe(200);
      return lead.id as string;
    };
    const early = await onHold('Held early', '9877700011');
    const { workflow, number: before } = await liveWorkflow(admin);
    const { set } = await publishWorkflow(admin, {
      ...workflow,
      states: Object.fromEntries(Object.entries(workflow.states).filter(([k]) => k !== 'on_hold')),
      matrix: Object.fromEntries(Object.entries(workflow.matrix as Record<string, Record<string, string[]>>).filter(([k]) => k !== 'on_hold').map(([from, row]) => [from, Object.fromEntries(Object.entries(row).filter(([to]) => to !== 'on_hold'))])),
    }, 'Drop on_hold tonight');
    const at = new Date(s.clock.now.getTime() + 60 * 60_000);
    const bad = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({ at: at.toISOString(), mappings: { 'lead-status': { on_hold: 'limbo' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: '$.mappings.lead-status.on_hold', message: '"limbo" is not a state of workflow "lead-status"' }]);
    const mappings = { 'lead-status': { on_hold: 'in_discussion' } };
    const scheduled = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({ at: at.toISOString(), mappings });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    expect(scheduled.body.data).toMatchObject({ status: 'scheduled', scheduleMappings: mappings });
    // A lead put on hold after the publish was scheduled moves too: the records are counted at the time.
    const late = await onHold('Held late', '9877700012');
    s.clock.now = new Date(at.getTime() + 1000);
    expect(await s.engine.changes.publishDue()).toEqual({ published: 1, failed: 0 });
    expect(s.engine.registry().releases?.get('solarium')).toBe(before + 1);
    admin = await signIn();
    for (const id of [early, late]) {
      expect((await s.request.get(`/solarium/leads/${id}`).set(admin)).body.data.status).toBe('in_discussion');
      expect((await s.request.get(`/solarium/leads/${id}/timeline`).set(admin)).body.data.at(-1)).toMatchObject({ event: 'release.migrate', from: 'on_hold', to: 'in_discussion' });
    }
    // Back to the files' workflow for the tests that follow.
    expect((await s.request.post(`${G}/releases/1/rollback`).set(admin).send({})).status).toBe(200);
  });
});
