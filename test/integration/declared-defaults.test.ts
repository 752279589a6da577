// What the engine does when a definition leaves a rule at its default, and onCreate effects: both
// are only visible with definitions other than the shipped ones, so this file edits a copy.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, startTestServer, type TestServer } from '../support/test-server.ts';
import { BASE, PHONES, seedMasterData, signIn, type Headers } from '../support/promopartner.ts';

let dir: string;
let s: TestServer;
let admin: Headers;

function edit(file: string, change: (text: string) => string) {
  const at = path.join(dir, file);
  const before = readFileSync(at, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`${file}: the edit changed nothing`);
  writeFileSync(at, after);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-defaults-'));
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  // The default unit-price policy: no `unitPrice` in the ruleset.
  edit('promopartner/promotions.rules.yaml', (t) => t.replace(/^unitPrice:.*\n/m, ''));
  // A Solarium lead notes who created it, through an onCreate `set`.
  edit('solarium/lead-status.workflow.yaml', (t) => `${t}\nonCreate:\n  - set: { remarks: "Created by {{actor.role}}" }\n`);
  s = await startTestServer({ definitionsDir: dir });
  admin = await signIn(s, PHONES.admin);
  await seedMasterData(s, admin);
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a ruleset without a unit-price policy', () => {
  it('prices at the list price and refuses any other sent price', async () => {
    const evaluate = (price?: number) => s.request.post(`${BASE}/promotions/evaluate`).set(admin).send({ storeId: 'S001', items: [{ sku: 'FR-AC-01', quantity: 2, ...(price === undefined ? {} : { price }) }] });
    expect((await evaluate()).body.data.cart.total).toBe(6000);
    expect((await evaluate(3000)).body.data.cart.total).toBe(6000);
    const lower = await evaluate(2500);
    expect(lower.status).toBe(400);
    expect(lower.body.error.details).toEqual([{ path: '$.items[0].price', message: 'The price of "FR-AC-01" is its list price 3000; leave it out' }]);
  });
});

describe('onCreate set', () => {
  it('fills fields when the record is created, in its first version', async () => {
    const cp = { Authorization: `Bearer ${await s.login('cp1@solarium.test')}` };
    const res = await s.request.post('/solarium/leads').set(cp).send({ name: 'Ravi Kumar', phone: '9811100001', city: 'Pune' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ remarks: 'Created by cp', version: 1 });
  });
});
