// A workflow that pins its records (the eKYC journey, `follows: pinned`): a release that changes the
// journey applies to new leads, while leads under way keep the release they started under — their
// moves, offered events and stages — until ops migrate them, with counts, mappings, timeline and audit.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog } from '../../engine/index.ts';
import { queryRows } from '../support/sql.ts';
import { DEFINITIONS_DIR, PLUGINS_DIR, startTestServer, TEST_SECRET, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let mobile = 9811000000;
const G = '/v1/apps/ekyc';
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);
const auth = async (email: string, app = 'ekyc') => ({ Authorization: `Bearer ${await s.login(email, app)}` });
const PAN = { panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' };

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

/** Each lead's journey token (the applicant's session from the create). */
const sessions = new Map<string, string>();
const session = (id: string) => ({ Authorization: `Bearer ${sessions.get(id)}` });

/** A lead at MOBILE_VERIFIED (the applicant's code is the development provider's fixed 1234). */
async function verifiedLead(): Promise<string> {
  const created = await s.request.post(`${G}/records/lead`).send({ mobileNumber: String(mobile++), fullName: 'Asha Rao', consentTerms: true, consentBankAutoverify: false });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.data.id as string;
  sessions.set(id, created.headers['x-session-token'] as string);
  expect((await s.request.post(`${G}/records/lead/${id}/events/verify_mobile`).set(session(id)).send({ input: { otp: '1234' } })).status).toBe(200);
  return id;
}
const submitPan = (id: string) => s.request.post(`${G}/records/lead/${id}/events/submit_pan`).set(session(id)).send({ input: PAN });
const releaseOf = async (id: string) => (await sql<{ release: number | null; state: string }>('SELECT release, state FROM records WHERE id = $1', [id]))[0]!;

/** Release 2: PAN_SUBMITTED renamed PAN_RECEIVED (its saved case changed with it, in the same change set). */
async function publishRenamedState(ops: Record<string, string>) {
  const live = (await s.request.get(`${G}/releases/1`).set(ops)).body.data;
  const content = (kind: string) => structuredClone(live.definitions.find((d: { kind: string }) => d.kind === kind).content);
  const wf = content('workflow');
  wf.states = Object.fromEntries(Object.entries(wf.states).map(([k, v]) => [k === 'PAN_SUBMITTED' ? 'PAN_RECEIVED' : k, k === 'PAN_SUBMITTED' ? { ...(v as object), label: 'PAN received' } : v]));
  const renamed = (state: string) => (state === 'PAN_SUBMITTED' ? 'PAN_RECEIVED' : state);
  // A move may leave several states (the typed address leaves PAN_SUBMITTED among others).
  for (const t of wf.transitions) for (const end of ['from', 'to'] as const) t[end] = Array.isArray(t[end]) ? t[end].map(renamed) : renamed(t[end]);
  const tests = content('test');
  for (const c of tests.cases) if (c.expect?.to === 'PAN_SUBMITTED') c.expect.to = 'PAN_RECEIVED';
  const set = (await s.request.post(`${G}/changes`).set(ops).send({ title: 'Rename PAN_SUBMITTED' })).body.data;
  expect((await s.request.put(`${G}/changes/${set.id}/definitions/workflow/journey`).set(ops).send(wf)).status).toBe(200);
  const saved = await s.request.put(`${G}/changes/${set.id}/definitions/test/journey`).set(ops).send(tests);
  expect(saved.body.data.problems.filter((p: { severity?: string }) => p.severity !== 'warning'), JSON.stringify(saved.body)).toEqual([]);
  return s.request.post(`${G}/changes/${set.id}/publish`).set(ops).send({ comment: 'PAN received' });
}

describe('records pinned to the release they started under', () => {
  let early: string; // verified under release 1, moves after release 2
  let underWay: string; // at PAN_SUBMITTED when release 2 removes it
  let ops: Record<string, string>;

  it('pins a new lead to the live release', async () => {
    ops = await auth('ops@ekyc.test');
    early = await verifiedLead();
    underWay = await verifiedLead();
    expect((await submitPan(underWay)).status).toBe(200);
    expect(await releaseOf(early)).toEqual({ release: 1, state: 'MOBILE_VERIFIED' });
    expect(await releaseOf(underWay)).toEqual({ release: 1, state: 'PAN_SUBMITTED' });
  });

  it('publishes a journey without a state pinned leads are in, without a 409: they keep their release', async () => {
    const published = await publishRenamedState(ops);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.data.number).toBe(2);
    expect(await releaseOf(underWay)).toEqual({ release: 1, state: 'PAN_SUBMITTED' });
  });

  it('moves a pinned lead by its own release, and a new lead by the live one', async () => {
    const moved = await submitPan(early);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.data.state).toBe('PAN_SUBMITTED');
    const fresh = await verifiedLead();
    expect(await releaseOf(fresh)).toEqual({ release: 2, state: 'MOBILE_VERIFIED' });
    const movedFresh = await submitPan(fresh);
    expect(movedFresh.body.data.state).toBe('PAN_RECEIVED');
    // Each is offered the moves of its own release.
    const pinned = await s.request.get(`${G}/records/lead/${early}`).set(ops);
    expect(pinned.body).toMatchObject({ data: { state: 'PAN_SUBMITTED' }, journeyStatus: { currentStage: 3, currentState: 'PAN_SUBMITTED' } });
    const address = { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' };
    expect((await s.request.post(`${G}/records/lead/${underWay}/events/submit_address`).set(session(underWay)).send({ input: address })).body.data.state).toBe('ADDRESS_SUBMITTED');
  });

  it('serves a pinned lead by its release in a second process too (compiled there on demand)', async () => {
    const db = createDatabase(s.databaseUrl);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-pinned-'));
    try {
      const other = await createEngine({ db, plugins: await loadPluginCatalog(PLUGINS_DIR), definitionsDir: DEFINITIONS_DIR, dataDir, production: false, logger: createLogger('silent'), jwtSecret: TEST_SECRET });
      expect(other.registry().releases?.get('ekyc')).toBe(2);
      const actor = await other.auth.verify(ops.Authorization!.slice('Bearer '.length), 'ekyc');
      const seen = await other.records.get({ app: 'ekyc', entity: 'lead' }, actor, early);
      expect(seen.journeyStatus).toMatchObject({ currentState: 'PAN_SUBMITTED', currentStage: 3 });
    } finally {
      await closeDatabase(db);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('counts the pinned leads on a dry run; refuses (409 with counts) a state the target lacks until it is mapped', async () => {
    const dry = await s.request.post(`${G}/releases/2/migrate`).set(ops).send({ entity: 'lead', mappings: { PAN_SUBMITTED: 'PAN_RECEIVED' }, dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.data).toEqual({ release: 2, entity: 'lead', counts: { '1': { ADDRESS_SUBMITTED: 1, PAN_SUBMITTED: 1 } }, migrated: 0, dryRun: true });
    const refused = await s.request.post(`${G}/releases/2/migrate`).set(ops).send({ entity: 'lead' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual([{ path: '$.mappings.PAN_SUBMITTED', message: expect.stringContaining('1 lead record pinned to release 1 is in "PAN_SUBMITTED"') }]);
    expect(await releaseOf(early)).toEqual({ release: 1, state: 'PAN_SUBMITTED' });
    const badTarget = await s.request.post(`${G}/releases/2/migrate`).set(ops).send({ entity: 'lead', mappings: { PAN_SUBMITTED: 'PAN_SUBMITTED' } });
    expect(badTarget.status).toBe(400);
    expect(badTarget.body.error.details[0].path).toBe('$.mappings.PAN_SUBMITTED');
  });

  it('migrates with the mapping: each lead moves onto the release, with a timeline entry and an audit entry, and follows it from then on', async () => {
    const migrated = await s.request.post(`${G}/releases/2/migrate`).set(ops).send({ entity: 'lead', mappings: { PAN_SUBMITTED: 'PAN_RECEIVED' }, comment: 'PAN step renamed' });
    expect(migrated.status, JSON.stringify(migrated.body)).toBe(200);
    expect(migrated.body.data).toMatchObject({ migrated: 2, dryRun: false });
    expect(await releaseOf(early)).toEqual({ release: 2, state: 'PAN_RECEIVED' });
    expect(await releaseOf(underWay)).toEqual({ release: 2, state: 'ADDRESS_SUBMITTED' });
    const [timeline] = await sql<{ event: string; from_state: string; to_state: string; remarks: string }>("SELECT event, from_state, to_state, remarks FROM timeline_entries WHERE record_id = $1 AND event = 'release.migrate'", [early]);
    expect(timeline).toEqual({ event: 'release.migrate', from_state: 'PAN_SUBMITTED', to_state: 'PAN_RECEIVED', remarks: 'Migrated from release 1 to release 2' });
    const audit = await sql<{ action: string; before: unknown; after: unknown; actor_id: string }>("SELECT action, before, after, actor_id FROM audit_entries WHERE record_id = $1 AND action = 'record.migrate'", [early]);
    expect(audit).toEqual([expect.objectContaining({ before: { state: 'PAN_SUBMITTED', release: 1 }, after: { state: 'PAN_RECEIVED', release: 2 } })]);
    const moved = await s.request.post(`${G}/records/lead/${early}/events/submit_address`).set(session(early)).send({ input: { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    // Nothing is left to move.
    expect((await s.request.post(`${G}/releases/2/migrate`).set(ops).send({ entity: 'lead' })).body.data).toMatchObject({ counts: {}, migrated: 0 });
  });

  it('lets only a role that may publish migrate', async () => {
    expect((await s.request.post(`${G}/releases/2/migrate`).send({ entity: 'lead' })).status).toBe(401);
    const cp = await auth('cp1@solarium.test', 'solarium');
    expect((await s.request.post('/v1/apps/solarium/releases/1/migrate').set(cp).send({ entity: 'lead' })).status).toBe(403);
    expect((await s.request.post(`${G}/releases/9/migrate`).set(ops).send({ entity: 'lead' })).status).toBe(404);
    expect((await s.request.post(`${G}/releases/2/migrate`).set(ops).send({ entity: 'nope' })).status).toBe(400);
  });
});
