// The `move` effect beyond Solarium's acceptance: the actor's own scope on the target (a definition
// cannot lend a CP another CP's lead), an optional target that is absent, and the depth bound that
// stops a definition moving records in a loop — each refusal writing nothing.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../support/sql.ts';
import { DEFINITIONS_DIR, startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let dir: string;
let cp1Id: string;
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);
const versions = async (...ids: string[]) => (await sql<{ state: string; version: number }>('SELECT state, version FROM records WHERE id = ANY($1::uuid[]) ORDER BY entity', [ids])).map((r) => `${r.state}@${r.version}`);

// Test-only moves on the quotation: `nudge` moves the lead the input names into discussion (optional),
// `ping` moves the quotation itself again — a loop only the depth bound stops.
const EXTRA = `  - event: nudge
    from: issued
    to: issued
    roles: [cp]
    effects:
      - move: { entity: lead, id: "{{input.leadId}}", event: in_discussion, optional: true, remarks: "Nudged by {{record.id}}" }
  - event: ping
    from: issued
    to: issued
    roles: [cp]
    effects:
      - move: { entity: quotation, id: "{{record.id}}", event: ping }
input:
  leadId: { type: string, format: uuid }
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-move-'));
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  const wf = path.join(dir, 'solarium', 'quotation-sharing.workflow.yaml');
  writeFileSync(wf, `${readFileSync(wf, 'utf8')}${EXTRA}`);
  s = await startTestServer({ definitionsDir: dir });
  expect(s.engine.loadReport.refused).toEqual([]);
  const users = (await s.request.get('/v1/apps/solarium/users?role=cp').set(await auth('admin@solarium.test'))).body.data as { id: string; email: string }[];
  cp1Id = users.find((u) => u.email === 'cp1@solarium.test')!.id;
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

let phone = 9844400000;
async function lead(email: string) {
  return (await s.request.post('/solarium/leads').set(await auth(email)).send({ name: 'Ravi', phone: String(phone++), city: 'Pune' })).body.data.id as string;
}
async function quotation(leadId: string) {
  const body = { leadId, assignedCp: cp1Id, location: 'Pune', phase: 'single', capacityKw: 3, panelModel: 'M', panelWattage: 540, panelCount: 6, inverterModel: 'I', lines: [{ label: 'All', qty: 1, unitPrice: 100000 }] };
  const res = await s.request.post('/solarium/quotations').set(await auth('cp1@solarium.test')).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.quotationReference as string;
}
const fire = async (id: string, event: string, input: Record<string, unknown> = {}) =>
  s.request.post(`/v1/apps/solarium/records/quotation/${id}/events/${event}`).set(await auth('cp1@solarium.test')).send({ input });

describe('the move effect', () => {
  it('moves the record it names as the actor’s own move, in the same write', async () => {
    const own = await lead('cp1@solarium.test');
    const q = await quotation(own);
    const res = await fire(q, 'nudge', { leadId: own });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await versions(own, q)).toEqual(['in_discussion@2', 'issued@2']);
    const [entry] = await sql<{ event: string; role: string; remarks: string }>("SELECT event, role, remarks FROM timeline_entries WHERE record_id = $1::uuid AND event = 'in_discussion'", [own]);
    expect(entry).toEqual({ event: 'in_discussion', role: 'cp', remarks: `Nudged by ${q}` });
  });

  it('refuses to move a record outside the actor’s scope, whatever the definition says, and writes nothing', async () => {
    const others = await lead('cp2@solarium.test');
    const q = await quotation(await lead('cp1@solarium.test'));
    const res = await fire(q, 'nudge', { leadId: others });
    expect(res.status).toBe(409);
    expect(res.body.error.details[0].path).toBe('$.move.lead');
    expect(await versions(others, q)).toEqual(['new_lead@1', 'issued@1']);
  });

  it('skips an optional move whose id is empty; a required one naming no record refuses (409)', async () => {
    const q = await quotation(await lead('cp1@solarium.test'));
    expect((await fire(q, 'nudge')).status).toBe(200);
    expect(await versions(q)).toEqual(['issued@2']);
    const missing = await fire(q, 'nudge', { leadId: '00000000-0000-4000-8000-000000000000' });
    expect(missing.status).toBe(409);
    expect(missing.body.error).toMatchObject({ code: 'CONFLICT', message: 'No lead with id "00000000-0000-4000-8000-000000000000"' });
    expect(await versions(q)).toEqual(['issued@2']);
  });

  it('stops records moving records in a loop at 3 deep (409), and writes none of it', async () => {
    const q = await quotation(await lead('cp1@solarium.test'));
    const res = await fire(q, 'ping');
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error.message).toBe('Records moving records went 3 deep: the definitions loop');
    // Three moves made by moves, the fourth refused: each level says which move it was refusing.
    const M = '$.move.quotation';
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([M, `${M}.move.quotation`, `${M}.move.quotation.move.quotation`, `${M}.move.quotation.move.quotation.move.quotation`]);
    expect(await versions(q)).toEqual(['issued@1']);
    expect(await sql("SELECT 1 FROM timeline_entries WHERE record_id = $1::uuid AND event = 'ping'", [q])).toEqual([]);
  });
});
