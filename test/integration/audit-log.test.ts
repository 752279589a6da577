import { execFile } from 'node:child_process';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../engine/index.ts';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let leadId: string;
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

async function verify() {
  const c = new pg.Client({ connectionString: s.databaseUrl });
  await c.connect();
  try {
    return await verifyAuditChain(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  s = await startTestServer();
  const token = await s.login('admin@solarium.test');
  const auth = { Authorization: `Bearer ${token}` };
  const lead = await s.request.post('/solarium/leads').set(auth).send({ name: 'Audit', phone: '9500000001', city: 'Pune' });
  leadId = lead.body.data.id;
  await Promise.all(Array.from({ length: 20 }, (_, i) => s.request.patch(`/solarium/leads/${leadId}/status`).set(auth).send({ newStatus: i % 2 ? 'won' : 'lost', override: true, remarks: `r${i}` })));
  await s.request.patch(`/solarium/leads/${leadId}/status`).set(auth).send({ newStatus: 'nowhere' }); // a refused attempt is audited too
  await s.request.post('/solarium/leads').set(auth).send({ name: 'Other', phone: '9500000002', city: 'Goa' });
});
afterAll(async () => s?.close());

describe('audit log', () => {
  it('chains every entry of a record, also under 20 concurrent changes', async () => {
    const result = await verify();
    expect(result.problems).toEqual([]);
    expect(result.checked).toBe(23); // 2 creates, 20 changes, 1 refused attempt
    const chain = await sql<{ prev_hash: string | null; hash: string }>('SELECT prev_hash, hash FROM audit_entries WHERE record_id = $1 ORDER BY id', [leadId]);
    expect(chain[0]!.prev_hash).toBeNull();
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prev_hash).toBe(chain[i - 1]!.hash);
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(sql("UPDATE audit_entries SET action = 'nothing happened'")).rejects.toThrow(/append-only: UPDATE/);
    await expect(sql('DELETE FROM audit_entries')).rejects.toThrow(/append-only: DELETE/);
    await expect(sql('TRUNCATE audit_entries')).rejects.toThrow(/append-only: TRUNCATE/);
  });

  it('finds an edited entry and a removed one (tampering with the triggers switched off)', async () => {
    const entries = await sql<{ id: string }>('SELECT id::text FROM audit_entries WHERE record_id = $1 ORDER BY id', [leadId]);
    const edited = entries[3]!.id;
    const removed = entries[6]!.id;
    const c = new pg.Client({ connectionString: s.databaseUrl });
    await c.connect();
    await c.query('ALTER TABLE audit_entries DISABLE TRIGGER USER');
    await c.query(`UPDATE audit_entries SET after = '{"state":"won","data":{"name":"Someone else"}}' WHERE id = $1`, [edited]);
    await c.query('DELETE FROM audit_entries WHERE id = $1', [removed]);
    await c.query('ALTER TABLE audit_entries ENABLE TRIGGER USER');
    await c.end();
    const { problems } = await verify();
    expect(problems).toEqual([
      { id: edited, app: 'solarium', recordId: leadId, problem: 'content does not match its hash (edited)' },
      { id: entries[7]!.id, app: 'solarium', recordId: leadId, problem: 'does not follow the previous entry of its chain (removed, inserted or reordered entries)' },
    ]);
  });

  it('npm run audit:verify exits 1 and names the broken entries', async () => {
    const run = promisify(execFile);
    const root = path.resolve(import.meta.dirname, '../..');
    const err = await run(process.execPath, ['--import', 'tsx', 'server/audit-verify.ts'], { cwd: root, env: { ...process.env, DATABASE_URL: s.databaseUrl } }).then(() => undefined, (e: { code: number; stdout: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(/22 entries checked, 2 problems/); // one was removed
    expect(err?.stdout).toContain('content does not match its hash (edited)');
  });
});

describe('daily audit export', () => {
  it('writes one app-day of entries with their hashes to the blob store, the same file when run twice', async () => {
    // A lead of its own: the one above had its chain tampered with on purpose.
    const auth = { Authorization: `Bearer ${await s.login('admin@solarium.test')}` };
    const fresh = (await s.request.post('/solarium/leads').set(auth).send({ name: 'Export', phone: '9500000003', city: 'Pune' })).body.data.id as string;
    for (const newStatus of ['in_discussion', 'on_hold', 'lost']) await s.request.patch(`/solarium/leads/${fresh}/status`).set(auth).send({ newStatus });
    const day = s.clock.now;
    const [first] = (await s.engine.auditExport.exportDay(day)).filter((e) => e.app === 'solarium');
    const iso = day.toISOString().slice(0, 10);
    expect(first!.key).toBe(`audit/solarium/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}.jsonl`);
    const [{ n }] = (await sql<{ n: number }>("SELECT count(*)::int AS n FROM audit_entries WHERE app = 'solarium'")) as [{ n: number }];
    expect(first!.entries).toBe(n);
    const lines = (await text(await s.engine.blob('solarium').read(first!.key))).trim().split('\n').map((l) => JSON.parse(l) as { recordId: string; prevHash: string | null; hash: string });
    expect(lines).toHaveLength(n);
    const chain = lines.filter((l) => l.recordId === fresh);
    expect(chain).toHaveLength(4);
    expect(chain[0]!.prevHash).toBeNull();
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    const again = (await s.engine.auditExport.exportDay(day)).find((e) => e.app === 'solarium')!;
    expect(again.sha256).toBe(first!.sha256);
    const empty = (await s.engine.auditExport.exportDay(new Date(day.getTime() - 3 * 86_400_000))).find((e) => e.app === 'solarium')!;
    expect(empty.entries).toBe(0);
  });
});
