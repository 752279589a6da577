// Computed fields on a real app: a Solarium lead that also carries its estimated subsidy (slabs by
// capacity) and the net cost of its lines — computed on create, change and move; never accepted
// from a client.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let dir: string;
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-computed-'));
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  const file = path.join(dir, 'solarium', 'lead.entity.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace('  quotationId: { type: string, maxLength: 64 }\n', `  quotationId: { type: string, maxLength: 64 }
  lines: { type: array, maxItems: 20, items: { type: object, properties: { qty: { type: number }, unitPrice: { type: number } } } }
  estimatedSubsidy: { type: number }
  grossCost: { type: number }
  netCost: { type: number }
computed:
  estimatedSubsidy: { tiers: { of: { field: capacityKw }, rows: [{ upTo: 2, rate: 30000 }, { upTo: 3, rate: 18000 }, { rate: 0 }], max: 78000 } }
  grossCost: { round: [{ sum: { over: lines, of: { mul: [{ item: qty }, { item: unitPrice }] } } }, 2] }
  netCost: { max: [0, { sub: [{ field: grossCost }, { field: estimatedSubsidy }] }] }
`),
  );
  // A move that changes the capacity (the site survey measured it), to show moves recompute too.
  const wf = path.join(dir, 'solarium', 'lead-status.workflow.yaml');
  writeFileSync(wf, readFileSync(wf, 'utf8').replace('      nextFollowUpDate: "{{input.followUpDate}}"', '      nextFollowUpDate: "{{input.followUpDate}}"\n      capacityKw: "{{input.measuredKw}}"').replace('  followUpDate: { type: string, format: date }', '  followUpDate: { type: string, format: date }\n  measuredKw: { type: number }'));
  s = await startTestServer({ definitionsDir: dir });
  expect(s.engine.loadReport.refused).toEqual([]);
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('computed fields', () => {
  it('computes on create, recomputes on a change, refuses a client’s figure', async () => {
    const admin = await auth('admin@solarium.test');
    const created = await s.request.post('/solarium/leads').set(admin).send({ name: 'Ravi', phone: '9812300001', city: 'Pune', capacityKw: 2.5, lines: [{ qty: 6, unitPrice: 15000 }, { qty: 1, unitPrice: 52000.456 }] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({ estimatedSubsidy: 69000, grossCost: 142000.46, netCost: 73000.46 });
    const changed = await s.request.patch(`/v1/apps/solarium/records/lead/${created.body.data.id}`).set(admin).send({ capacityKw: 3 });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.data).toMatchObject({ estimatedSubsidy: 78000, netCost: 64000.46 });
    for (const body of [{ name: 'X', phone: '9812300002', city: 'Pune', estimatedSubsidy: 1 }]) {
      const refused = await s.request.post('/solarium/leads').set(admin).send(body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toEqual([{ path: '$.estimatedSubsidy', message: '"estimatedSubsidy" is computed by the server; leave it out' }]);
    }
    const patched = await s.request.patch(`/v1/apps/solarium/records/lead/${created.body.data.id}`).set(admin).send({ netCost: 0 });
    expect(patched.status).toBe(400);
  });

  it('recomputes when a move changes a field the computation reads', async () => {
    const admin = await auth('admin@solarium.test');
    const lead = (await s.request.post('/solarium/leads').set(admin).send({ name: 'Meera', phone: '9812300003', city: 'Pune', capacityKw: 1 })).body.data;
    expect(lead.estimatedSubsidy).toBe(30000);
    const moved = await s.request.patch(`/solarium/leads/${lead.id}/status`).set(admin).send({ newStatus: 'in_discussion', measuredKw: 2 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const after = (await s.request.get(`/solarium/leads/${lead.id}`).set(admin)).body.data;
    expect(after).toMatchObject({ capacityKw: 2, estimatedSubsidy: 60000, netCost: 0 });
  });
});
