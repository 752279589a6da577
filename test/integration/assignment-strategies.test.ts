// The assignment rule's other strategy and fallback, on a copy of Solarium whose lead says
// `strategy: round-robin` and `fallback: any` (the shipped one is least-open, unassigned).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, startTestServer, type TestServer } from '../support/test-server.ts';

let dir: string;
let s: TestServer;
let phoneSeq = 9400000000;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-assign-'));
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  const file = path.join(dir, 'solarium/lead.entity.yaml');
  const text = readFileSync(file, 'utf8');
  const edited = text.replace('  strategy: least-open\n', '  strategy: round-robin\n  fallback: any\n');
  if (edited === text) throw new Error('the edit changed nothing');
  writeFileSync(file, edited);
  s = await startTestServer({ definitionsDir: dir });
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newCp(email: string, city: string): Promise<string> {
  const res = await s.request.post('/v1/apps/solarium/users').set(auth(await s.login('admin@solarium.test'))).send({ role: 'cp', email, password: 'demo1234', attributes: { city } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

async function request(city: string): Promise<string | undefined> {
  const res = await s.request.post('/solarium/leads').set(auth(await s.login('customer1@solarium.test'))).send({ name: 'R', phone: String(phoneSeq++), city });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const got = await s.request.get(`/solarium/leads/${res.body.data.id}`).set(auth(await s.login('admin@solarium.test')));
  return got.body.data.assignedCp as string | undefined;
}

describe('round-robin assignment', () => {
  it('gives each request to the matching CP whose latest lead is the oldest, whatever their open load', async () => {
    const [a, b] = [await newCp('a@kolhapur.test', 'Kolhapur'), await newCp('b@kolhapur.test', 'Kolhapur')].sort();
    // b already has a lead (older than anything to come); a has none, so a comes first.
    await s.request.post('/solarium/leads').set(auth(await s.login('admin@solarium.test'))).send({ name: 'B', phone: String(phoneSeq++), city: 'Kolhapur', assignedCp: b });
    const order = [];
    for (let i = 0; i < 4; i++) {
      s.clock.now = new Date(Date.now() + (i + 1) * 1000);
      order.push(await request('Kolhapur'));
    }
    s.clock.now = new Date();
    expect(order).toEqual([a, b, a, b]);
  });

  it('falls back to any CP when none matches the city (fallback: any)', async () => {
    const assigned = await request('Atlantis');
    expect(assigned).toEqual(expect.any(String));
  });
});
