// The `create` effect: a move creates a record of another entity in its own transaction, with
// fields from the moved record and a record it references — a commission when a lead is executed,
// from its quotation. A refusal anywhere refuses the move: nothing is half done.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let dir: string;
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email, 'crm')}` });

const QUOTATION = `$schema: ../_schema/entity.schema.json
kind: entity
name: quotation
fields:
  leadId: { type: string, format: uuid }
  total: { type: number }
  commissionRate: { type: number }
required: [leadId, total]
`;
const COMMISSION = `$schema: ../_schema/entity.schema.json
kind: entity
name: commission
fields:
  leadId: { type: string, format: uuid }
  base: { type: number }
  rate: { type: number }
  amount: { type: number }
required: [leadId, base, rate]
uniqueKeys:
  - { name: lead, fields: [leadId] }
computed:
  amount: { round: [{ mul: [{ field: base }, { field: rate }] }, 2] }
`;

/** A small app of its own (leads, quotations, commissions), so the effect is tested apart from Solarium's real ones. */
const APP = `kind: app
id: crm
name: CRM
basePath: /crm
auth: { password: true }
roles:
  admin:
    permissions:
      lead: { read: true, create: true, update: true, transition: true }
      quotation: { read: true, create: true }
      commission: { read: true }
routes:
  - { method: POST, path: /leads, operation: records.create, entity: lead }
  - { method: GET, path: "/leads/{id}", operation: records.get, entity: lead }
  - { method: PATCH, path: "/leads/{id}/status", operation: records.moveTo, entity: lead, targetField: newStatus }
demoUsers:
  - { email: admin@crm.test, role: admin, password: demo1234 }
`;
const LEAD = `kind: entity
name: lead
workflow: lead-status
fields:
  name: { type: string }
  phone: { type: string }
  city: { type: string }
  quotationId: { type: string, maxLength: 64 }
required: [name, phone, city]
uniqueKeys:
  - { name: phone, fields: [phone] }
`;
const WORKFLOW = `kind: workflow
name: lead-status
entity: lead
field: status
initial: new_lead
states:
  new_lead: {}
  in_discussion: {}
  quotation_shared: {}
  won: {}
  executed: { final: true }
matrix:
  new_lead: { in_discussion: [admin] }
  in_discussion: { quotation_shared: [admin] }
  quotation_shared: { won: [admin] }
  won:
    executed:
      roles: [admin]
      effects:
        - create:
            entity: commission
            with: { quotation: { entity: quotation, id: "{{record.quotationId}}" } }
            fields: { leadId: "{{record.id}}", base: "{{quotation.total}}", rate: "{{quotation.commissionRate}}" }
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-create-'));
  mkdirSync(path.join(dir, 'crm'));
  for (const [file, text] of Object.entries({ 'app.yaml': APP, 'lead.entity.yaml': LEAD, 'lead-status.workflow.yaml': WORKFLOW, 'quotation.entity.yaml': QUOTATION, 'commission.entity.yaml': COMMISSION })) {
    writeFileSync(path.join(dir, 'crm', file), text);
  }
  s = await startTestServer({ definitionsDir: dir });
  expect(s.engine.loadReport.refused).toEqual([]);
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function wonLead(admin: Record<string, string>, phone: string, quotationId?: string) {
  const lead = (await s.request.post('/crm/leads').set(admin).send({ name: 'Ravi', phone, city: 'Pune', ...(quotationId ? { quotationId } : {}) })).body.data;
  for (const newStatus of ['in_discussion', 'quotation_shared', 'won']) expect((await s.request.patch(`/crm/leads/${lead.id}/status`).set(admin).send({ newStatus })).status).toBe(200);
  return lead.id as string;
}

describe('the create effect', () => {
  it('creates the commission from the lead and its quotation in the move’s transaction', async () => {
    const admin = await auth('admin@crm.test');
    const placeholder = await wonLead(admin, '9811100001');
    const quotation = (await s.request.post('/v1/apps/crm/records/quotation').set(admin).send({ leadId: placeholder, total: 250000, commissionRate: 0.02 })).body.data;
    const id = await wonLead(admin, '9811100002', quotation.id);
    const moved = await s.request.patch(`/crm/leads/${id}/status`).set(admin).send({ newStatus: 'executed' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const commissions = (await s.request.get(`/v1/apps/crm/records/commission?limit=10`).set(admin)).body.data.items;
    expect(commissions).toEqual([expect.objectContaining({ leadId: id, base: 250000, rate: 0.02, amount: 5000, createdBy: expect.any(String) })]);
    // The commission here has no workflow, so no timeline; its audit entry names who moved the lead.
    expect(await sql("SELECT 1 FROM timeline_entries WHERE record_id = $1", [commissions[0].id])).toEqual([]);
    const [audit] = await sql<{ action: string; role: string }>("SELECT action, role FROM audit_entries WHERE record_id = $1", [commissions[0].id]);
    expect(audit).toEqual({ action: 'record.create', role: 'admin' });
  });

  it('refuses the move when the quotation it names does not exist (409), and writes nothing', async () => {
    const admin = await auth('admin@crm.test');
    const id = await wonLead(admin, '9811100003', '00000000-0000-4000-8000-000000000000');
    const refused = await s.request.patch(`/crm/leads/${id}/status`).set(admin).send({ newStatus: 'executed' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual([{ path: '$.with.quotation', message: 'No quotation "00000000-0000-4000-8000-000000000000"' }]);
    expect((await s.request.get(`/crm/leads/${id}`).set(admin)).body.data).toMatchObject({ status: 'won', version: 4 });
    expect((await sql<{ n: number }>("SELECT count(*)::int AS n FROM records WHERE entity = 'commission' AND data->>'leadId' = $1", [id]))[0]!.n).toBe(0);
  });

  it('refuses the move when the record it creates is not valid or is taken, naming its fields', async () => {
    const admin = await auth('admin@crm.test');
    const placeholder = await wonLead(admin, '9811100004');
    const noRate = (await s.request.post('/v1/apps/crm/records/quotation').set(admin).send({ leadId: placeholder, total: 1000 })).body.data;
    const id = await wonLead(admin, '9811100005', noRate.id);
    const refused = await s.request.patch(`/crm/leads/${id}/status`).set(admin).send({ newStatus: 'executed' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ message: 'The commission this move creates is not valid', details: [{ path: '$.create.commission.rate', message: expect.any(String) }] });
    expect((await s.request.get(`/crm/leads/${id}`).set(admin)).body.data.status).toBe('won');
  });

  it('is checked at load: the entity, its fields and the records it reads must exist', () => {
    const files = [
      { file: 'a/app.yaml', content: { kind: 'app', id: 'a', name: 'A', roles: { admin: { permissions: { lead: { read: true, transition: true } } } } } },
      { file: 'a/lead.entity.yaml', content: { kind: 'entity', name: 'lead', workflow: 'w', fields: { name: { type: 'string' } } } },
      { file: 'a/note.entity.yaml', content: { kind: 'entity', name: 'note', fields: { text: { type: 'string' } } } },
      {
        file: 'a/w.workflow.yaml',
        content: {
          kind: 'workflow', name: 'w', entity: 'lead', initial: 'a', states: { a: {}, b: { final: true } },
          transitions: [{ event: 'go', from: 'a', to: 'b', roles: ['admin'], effects: [{ create: { entity: 'note', with: { q: { entity: 'ghost', id: '{{record.name}}' } }, fields: { text: '{{record.nope}}', colour: 'red', other: '{{q.x}}' } } }, { create: { entity: 'ghost', fields: { x: 1 } } }] }],
        },
      },
    ];
    expect(compileAppFiles(files).problems.map((p) => `${p.path} ${p.message}`)).toEqual([
      '$.transitions[0].effects[0].create.with.q.entity Entity "ghost" is not defined in this app',
      '$.transitions[0].effects[0].create.fields.text "{{record.nope}}": entity "lead" has no field "nope"',
      '$.transitions[0].effects[0].create.fields.colour Entity "note" has no field "colour"',
      '$.transitions[0].effects[0].create.fields.other Entity "note" has no field "other"',
      '$.transitions[0].effects[1].create.entity Entity "ghost" is not defined in this app',
    ]);
  });
});
