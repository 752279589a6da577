import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditKey, verifyAuditChain } from '../../engine/index.ts';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let leadId: string;
const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

const auditKey = () => loadAuditKey({ dataDir: s.dataDir, production: false, create: false });

async function verify() {
  const c = new pg.Client({ connectionString: s.databaseUrl });
  await c.connect();
  try {
    return await verifyAuditChain(c, auditKey());
  } finally {
    await c.end();
  }
}

/** Runs statements as the owner with the audit log's triggers off: what a DBA, or whoever holds the owner's password, can do. */
async function tamper(step: (c: pg.Client) => Promise<void>) {
  const c = new pg.Client({ connectionString: s.databaseUrl });
  await c.connect();
  try {
    await c.query('ALTER TABLE audit_entries DISABLE TRIGGER USER');
    await step(c);
  } finally {
    await c.query('ALTER TABLE audit_entries ENABLE TRIGGER USER');
    await c.end();
  }
}

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
/** npm run audit:verify against this test's database and DATA_DIR (where the key and the fs blobs are). */
const auditVerify = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'server/audit-verify.ts', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: s.databaseUrl, DATA_DIR: s.dataDir, AUDIT_KEY: '' } }).then(
    (ok) => ({ code: 0, stdout: ok.stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: `${e.stdout}${e.stderr}` }),
  );

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
    await tamper(async (c) => {
      await c.query(`UPDATE audit_entries SET after = '{"state":"won","data":{"name":"Someone else"}}' WHERE id = $1`, [edited]);
      await c.query('DELETE FROM audit_entries WHERE id = $1', [removed]);
    });
    const { problems } = await verify();
    expect(problems.filter((p) => p.recordId === leadId)).toEqual([
      { id: edited, app: 'solarium', recordId: leadId, problem: 'content does not match its keyed hash (edited, or re-hashed without the audit key)' },
      { id: entries[7]!.id, app: 'solarium', recordId: leadId, problem: 'does not follow the previous entry of its chain (removed, inserted or reordered entries)' },
    ]);
  });
});

describe('keyed chain and signed checkpoints', () => {
  const leads: Record<'edited' | 'rehashed' | 'downgraded' | 'withKey' | 'newest' | 'whole', string> = { edited: '', rehashed: '', downgraded: '', withKey: '', newest: '', whole: '' };
  const idsOf = async (recordId: string) => (await sql<{ id: string }>('SELECT id::text FROM audit_entries WHERE record_id = $1 ORDER BY id', [recordId])).map((r) => r.id);
  const problemsOf = async (recordId: string) => (await verify()).problems.filter((p) => p.recordId === recordId);
  let checkpointProblems: () => Promise<{ code: number; stdout: string }>;

  beforeAll(async () => {
    const auth = { Authorization: `Bearer ${await s.login('admin@solarium.test')}` };
    let phone = 9500000100;
    for (const name of Object.keys(leads) as (keyof typeof leads)[]) {
      const id = (await s.request.post('/solarium/leads').set(auth).send({ name, phone: String(phone++), city: 'Pune' })).body.data.id as string;
      for (const newStatus of ['in_discussion', 'on_hold', 'lost']) await s.request.patch(`/solarium/leads/${id}/status`).set(auth).send({ newStatus });
      leads[name] = id;
    }
    // Signed heads of every chain, in the app's blob store, before anyone tampers.
    const written = await s.engine.auditCheckpoints.writeAll();
    expect(written.find((w) => w.app === 'solarium')!.chains).toBeGreaterThanOrEqual(Object.keys(leads).length);
    checkpointProblems = () => auditVerify();
  });

  it('the trigger seals each new entry with an HMAC of the key the application holds (no row, function or setting of the database has it)', async () => {
    const [entry] = await sql<{ hash: string; hash_alg: string; text: string }>('SELECT hash, hash_alg, audit_entry_text(a) AS text FROM audit_entries a WHERE record_id = $1 ORDER BY id LIMIT 1', [leads.edited]);
    expect(entry!.hash_alg).toBe('hmac-sha256');
    expect(entry!.hash).toBe(createHmac('sha256', auditKey()).update(entry!.text).digest('hex'));
    const settings = await sql<{ n: number }>("SELECT count(*)::int AS n FROM pg_settings WHERE name LIKE 'rulepath.%'");
    expect(settings[0]!.n).toBe(0); // a session of its own (a DBA's) has no key
    await expect(sql("INSERT INTO audit_entries (app, action, at) VALUES ('solarium', 'forged', now())")).rejects.toThrow(/sealed with the application's audit key/);
  });

  it('reports an edited entry', async () => {
    const [, second] = await idsOf(leads.edited);
    await tamper((c) => c.query(`UPDATE audit_entries SET after = '{"state":"won"}' WHERE id = $1`, [second]).then(() => undefined));
    expect(await problemsOf(leads.edited)).toEqual([{ id: second, app: 'solarium', recordId: leads.edited, problem: 'content does not match its keyed hash (edited, or re-hashed without the audit key)' }]);
  });

  /** Edits the lead's second entry and gives it, and every entry after it, a new hash and link as `seal` computes them. */
  async function rewrite(recordId: string, seal: (c: pg.Client, id: string) => Promise<void>) {
    const ids = await idsOf(recordId);
    await tamper(async (c) => {
      await c.query(`UPDATE audit_entries SET after = '{"state":"won"}' WHERE id = $1`, [ids[1]]);
      for (const [i, id] of ids.entries()) {
        if (i === 0) continue;
        await c.query('UPDATE audit_entries SET prev_hash = (SELECT hash FROM audit_entries WHERE id = $2) WHERE id = $1', [id, ids[i - 1]]);
        await seal(c, id);
      }
    });
    return ids;
  }

  it('reports an entry edited and re-hashed without the key (with a key of its own, or as a plain SHA-256 entry)', async () => {
    const otherKey = Buffer.from('not-the-audit-key-not-the-audit-key-0123');
    const rehashed = await rewrite(leads.rehashed, async (c, id) => {
      const { rows } = await c.query<{ text: string }>('SELECT audit_entry_text(a) AS text FROM audit_entries a WHERE id = $1', [id]);
      await c.query('UPDATE audit_entries SET hash = $2 WHERE id = $1', [id, createHmac('sha256', otherKey).update(rows[0]!.text).digest('hex')]);
    });
    // The links hold (every prev_hash was re-pointed): only the seals give it away, from the edited entry on.
    expect((await problemsOf(leads.rehashed)).map((p) => [p.id, p.problem])).toEqual(
      rehashed.slice(1).map((id) => [id, 'content does not match its keyed hash (edited, or re-hashed without the audit key)']),
    );
    // What fooled the unkeyed chain: the plain digest recomputed (and the entry marked as a plain one).
    const downgraded = await rewrite(leads.downgraded, async (c, id) => {
      await c.query("UPDATE audit_entries SET hash_alg = 'sha256' WHERE id = $1", [id]);
      await c.query('UPDATE audit_entries a SET hash = audit_entry_digest(a) WHERE id = $1', [id]);
    });
    expect((await problemsOf(leads.downgraded)).map((p) => [p.id, p.problem])).toEqual(
      downgraded.slice(1).map((id) => [id, 'hashed without the audit key after the keyed chain began (a keyed entry re-hashed as a plain one)']),
    );
  });

  it('with the key, the same rewrite passes the entry checks: the key is all that stands in the way, and the checkpoint still sees it', async () => {
    await rewrite(leads.withKey, async (c, id) => {
      const { rows } = await c.query<{ text: string }>('SELECT audit_entry_text(a) AS text FROM audit_entries a WHERE id = $1', [id]);
      await c.query('UPDATE audit_entries SET hash = $2 WHERE id = $1', [id, createHmac('sha256', auditKey()).update(rows[0]!.text).digest('hex')]);
    });
    expect(await problemsOf(leads.withKey)).toEqual([]);
    const { stdout } = await checkpointProblems();
    expect(stdout).toMatch(new RegExp(`record ${leads.withKey}\\): entry \\d+ does not carry the hash the checkpoint signed`));
  });

  it('reports a deleted newest entry: the chain ends behind the last checkpoint', async () => {
    const ids = await idsOf(leads.newest);
    await tamper((c) => c.query('DELETE FROM audit_entries WHERE id = $1', [ids.at(-1)]).then(() => undefined));
    expect(await problemsOf(leads.newest)).toEqual([]); // the chain alone still looks whole
    const { code, stdout } = await checkpointProblems();
    expect(code).toBe(1);
    expect(stdout).toContain(`(solarium record ${leads.newest}): the chain ends at entry ${ids.at(-2)}, behind the last checkpoint`);
  });

  it('reports a deleted whole chain: a checkpoint names a chain that no longer exists', async () => {
    await tamper((c) => c.query('DELETE FROM audit_entries WHERE record_id = $1', [leads.whole]).then(() => undefined));
    expect(await problemsOf(leads.whole)).toEqual([]); // nothing left to walk
    const { code, stdout } = await checkpointProblems();
    expect(code).toBe(1);
    expect(stdout).toContain(`(solarium record ${leads.whole}): the chain of solarium record ${leads.whole} no longer exists`);
  });

  it('npm run audit:verify exits 1 and names every problem; --checkpoint writes none over a damaged log', async () => {
    const { code, stdout } = await auditVerify('--checkpoint');
    expect(code).toBe(1);
    expect(stdout).toMatch(/audit log: \d+ entries and \d+ checkpoints checked, \d+ problems/);
    for (const text of ['content does not match its keyed hash', 'hashed without the audit key after the keyed chain began', 'behind the last checkpoint', 'no longer exists', 'does not follow the previous entry'])
      expect(stdout).toContain(text);
    expect(stdout).toContain('no checkpoint written');
  });

  it('a checkpoint altered in the store is reported, and the next one is refused after it', async () => {
    const blob = s.engine.blob('solarium');
    const keys: string[] = [];
    for await (const k of blob.list('audit-checkpoints/solarium/')) keys.push(k);
    const forged = 'audit-checkpoints/solarium/999999999999-forged.json';
    const original = JSON.parse((await text(await blob.read(keys.sort()[0]!))) as string) as { chains: unknown[] };
    await blob.write(forged, Buffer.from(JSON.stringify({ ...original, n: 999999999999, chains: [] })));
    const { stdout } = await auditVerify();
    expect(stdout).toContain(`checkpoint ${forged} is not signed with the audit key`);
    await expect(s.engine.auditCheckpoints.writeAll()).rejects.toThrow(/not signed with the audit key/);
    await blob.delete(forged);
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
