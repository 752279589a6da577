// Two API processes and a worker (and a second worker) on one PostgreSQL, as a deployment runs
// them: started at the same moment on an empty database, then a mixed load through both APIs.
// Nothing is lost or done twice: start-up writes, the 20-active limit, timelines, messages, jobs.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, serverProcesses, type StartedServer } from '../support/server-process.ts';
import { createEmptyDatabase } from '../support/test-database.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const servers = serverProcesses('rulepath-processes-');
const definitions = mkdtempSync(path.join(os.tmpdir(), 'rulepath-processes-defs-'));
let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
let a: StartedServer;
let b: StartedServer;
let workers: StartedServer[];
let sql: pg.Client;

beforeAll(async () => {
  for (const app of ['ekyc', 'promopartner', 'solarium']) cpSync(path.join(ROOT, 'definitions', app), path.join(definitions, app), { recursive: true });
  cpSync(path.join(ROOT, 'test/fixtures/processes-defs/ticker'), path.join(definitions, 'ticker'), { recursive: true });
  database = await createEmptyDatabase();
  const env = { DATABASE_URL: database.url, DEFINITIONS_DIR: definitions, LOG_LEVEL: 'info' };
  // All four at once, on a database nobody has migrated: they take turns through their start-up writes.
  [a, b, ...workers] = await Promise.all([servers.start({ ...env, JOBS: 'off' }), servers.start({ ...env, JOBS: 'off' }), servers.startWorker(env), servers.startWorker(env)]);
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
}, 180_000);

afterAll(async () => {
  await sql?.end();
  for (const p of [a, b, ...(workers ?? [])]) if (p && p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all([a, b, ...(workers ?? [])].filter(Boolean).map((p) => exited(p.child)));
  servers.cleanup();
  await database?.drop();
  rmSync(definitions, { recursive: true, force: true });
});

const count = async (query: string, params: unknown[] = []) => Number((await sql.query(query, params)).rows[0].n);
const call = async (base: string, method: string, url: string, body?: unknown, token?: string) => {
  const res = await fetch(`${base}${url}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> & { items?: { id: string }[] }; error?: { code: string } } };
};
const lines = (p: StartedServer) => p.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
const all = () => [a, b, ...workers].flatMap(lines);

describe('several processes on one PostgreSQL', () => {
  it('start together on an empty database: each start-up write happens once', async () => {
    expect(await count(`SELECT count(*) AS n FROM releases WHERE app = 'promopartner'`)).toBe(1);
    expect(await count(`SELECT count(DISTINCT app) AS n FROM releases`)).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM releases`)).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM users WHERE app = 'solarium' AND email = 'admin@solarium.test'`)).toBe(1);
    // Demo records once: PromoPartner's demo has three promotions.
    expect(await count(`SELECT count(*) AS n FROM records WHERE app = 'promopartner' AND entity = 'promotion'`)).toBe(3);
  });

  it('hold the 20-active limit across processes', async () => {
    const otp = await call(a.base, 'POST', '/promopartner/v1/auth/otp/request', { phone: '9000000001' });
    const admin = (await call(b.base, 'POST', '/promopartner/v1/auth/otp/verify', { otpId: otp.body.data.otpId, code: '123456' })).body.data.accessToken as string;
    const today = new Date().toISOString().slice(0, 10);
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const drafts = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => (await call(i % 2 ? a.base : b.base, 'POST', '/promopartner/v1/promotions', { name: `Across ${i}`, benefit: { type: 'percentOff', value: 5, productGroup: 'LENSES' }, storeGroupCode: 'ALL', startDate: today, endDate: later }, admin)).body.data.id as string),
    );
    const activeBefore = await count(`SELECT count(*) AS n FROM records WHERE app = 'promopartner' AND entity = 'promotion' AND state = 'active'`);
    const results = await Promise.all(drafts.map((id, i) => call(i % 2 ? a.base : b.base, 'PUT', `/promopartner/v1/promotions/${id}/activate`, undefined, admin)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(20 - activeBefore);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error?.code === 'ACTIVE_PROMOTION_LIMIT')).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM records WHERE app = 'promopartner' AND entity = 'promotion' AND state = 'active'`)).toBe(20);
  });

  it('record each move once in the timeline when both processes race on the same leads', async () => {
    const token = (await call(a.base, 'POST', '/solarium/auth/login', { email: 'cp1@solarium.test', password: 'demo1234' })).body.data.accessToken as string;
    const created = await Promise.all(Array.from({ length: 8 }, (_, i) => call(i % 2 ? a.base : b.base, 'POST', '/solarium/leads', { name: `Race ${i}`, phone: String(9391000000 + i), city: 'Pune' }, token)));
    expect(created.map((c) => c.status), JSON.stringify(created.find((c) => c.status !== 201)?.body)).toEqual(Array(8).fill(201));
    const leads = created.map((c) => c.body.data.id as string);
    const moves = await Promise.all(leads.flatMap((id) => [a, b].map((p) => call(p.base, 'PATCH', `/solarium/leads/${id}/status`, { newStatus: 'in_discussion' }, token))));
    expect(moves.filter((m) => m.status === 200)).toHaveLength(leads.length);
    for (const id of leads) {
      const timeline = await call(b.base, 'GET', `/solarium/leads/${id}/timeline`, undefined, token);
      // The move once; the other process's attempt, refused, is in the timeline as a refused attempt.
      const entries = timeline.body.data as unknown as { to: string; refused: boolean }[];
      expect(entries.filter((e) => !e.refused).map((e) => e.to)).toEqual(['new_lead', 'in_discussion']);
      expect(entries.filter((e) => e.refused).length).toBeLessThanOrEqual(1);
    }
  });

  it('send each message once, whichever process writes or sends it', async () => {
    const signups = await Promise.all(Array.from({ length: 20 }, (_, i) => call(i % 2 ? a.base : b.base, 'POST', '/ekyc/api/v1/registration/signup', { mobileNumber: String(9820000000 + i), fullName: 'Many Processes', consentTerms: true, consentBankAutoverify: false })));
    expect(signups.every((r) => r.status === 200)).toBe(true);
    for (let waited = 0; (await count(`SELECT count(*) AS n FROM outbox_messages WHERE status <> 'sent'`)) > 0; waited += 200) {
      if (waited > 30_000) throw new Error('messages still unsent after 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    // Each signup writes its OTP SMS and its downstream events: every one sent at the first attempt.
    expect(await count(`SELECT count(*) AS n FROM outbox_messages WHERE app = 'ekyc' AND (status <> 'sent' OR attempts <> 1)`)).toBe(0);
    const keys = (await sql.query(`SELECT idempotency_key AS key FROM outbox_messages WHERE app = 'ekyc' AND channel = 'sms'`)).rows as { key: string }[];
    expect(keys).toHaveLength(20);
    // The development SMS provider logs each send with its key: across the four processes' logs, once each.
    const sent = all().filter((l) => l.channel === 'sms' && typeof l.idempotencyKey === 'string');
    for (const { key } of keys) expect(sent.filter((l) => l.idempotencyKey === key)).toHaveLength(1);
  });

  it('run each occurrence of a scheduled job once, with two workers', async () => {
    await new Promise((r) => setTimeout(r, 9_000));
    const runs = workers
      .flatMap((w, i) => lines(w).map((l): Record<string, unknown> => ({ ...l, worker: i })))
      .filter((l) => l.job === 'tick' && l.msg === 'scheduled job step')
      .map((l) => ({ at: Date.parse(l.time as string), worker: l.worker }))
      .sort((x, y) => x.at - y.at);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // Run by both, an occurrence would show twice within moments; once, the runs are ~2 s apart.
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.at - runs[i - 1]!.at).toBeGreaterThan(1_000);
  });
});
