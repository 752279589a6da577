// npm run bench:notify: N downstream events through the outbox -> Agenda job -> webhook provider ->
// a receiver on loopback, against the same provider called directly with the same concurrency.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog, migrate, startEmbeddedPostgres, startJobRunner } from '../../engine/index.ts';
import { createProvider } from '../../engine/providers/plugin-catalog.ts';
import { freePort } from '../support/free-port.ts';
import { startFakeVendor } from '../support/fakes/fake-vendor.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 3000);
const CONCURRENCY = 16; // the dispatcher's default
const ROOT = path.resolve(import.meta.dirname, '../..');
const logger = createLogger('warn');

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-bench-notify-'));
chmodSync(dataDir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'bench', logger });
await migrate(pg.url);
let received = 0;
const receiver = await startFakeVendor(() => {
  received++;
  return { status: 204, body: '' };
});
Object.assign(process.env, { OT_MSG91_KEY: 'bench-msg91-key-123', OT_MSG91_URL: receiver.url, OT_HOOK_PRIMARY: `${receiver.url}/hook`, OT_HOOK_SECONDARY: `${receiver.url}/hook2`, OT_HOOK_SECRET: 'bench-secret-0123456789abcdef' });

const db = createDatabase(pg.url);
const plugins = await loadPluginCatalog(path.join(ROOT, 'plugins'));
const engine = await createEngine({ db, plugins, definitionsDir: path.join(ROOT, 'test/fixtures/outbox-defs'), dataDir, production: false, logger });
const jobs = await startJobRunner({ databaseUrl: pg.url, name: 'bench', logger, jobs: engine.jobs() });
const direct = createProvider(plugins, 'events', 'webhook', { url: `${receiver.url}/hook`, secret: 'bench-secret-0123456789abcdef', timeoutMs: 5000 }, { fetch, clock: () => new Date(), logger, dataDir, production: false });

const message = (i: number, run: string) => ({ topic: 'OPS', type: 'BENCH', key: `k${i}`, payload: { i }, idempotencyKey: `${run}:${i}` });

async function viaProvider(count: number): Promise<number> {
  const run = randomUUID();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await direct.publish(message(next++, run));
  }));
  return performance.now() - t0;
}

/** Until the vendor has every message, and until every row says so (the marks after the sends). */
async function viaOutbox(count: number): Promise<{ receivedMs: number; markedMs: number }> {
  const run = randomUUID();
  const now = new Date();
  await db.outboxMessage.createMany({
    data: Array.from({ length: count }, (_, i) => ({ id: randomUUID(), app: 'outboxtest', channel: 'event', recipient: 'OPS', payload: message(i, run), idempotencyKey: `${run}:${i}`, nextAttemptAt: now, createdAt: now })),
  });
  const before = received;
  const t0 = performance.now();
  await jobs.agenda.now('outbox.dispatch', {}); // the job that runs on every worker
  while (received - before < count) await new Promise((r) => setTimeout(r, 2));
  const receivedMs = performance.now() - t0;
  await engine.outbox.idle();
  return { receivedMs, markedMs: performance.now() - t0 };
}

try {
  await viaProvider(300); // warm-up: connections, JIT
  await viaOutbox(300);
  const directMs = await viaProvider(N);
  const { receivedMs: outboxMs, markedMs } = await viaOutbox(N);
  const directRate = (N / directMs) * 1000;
  const outboxRate = (N / outboxMs) * 1000;
  console.log(`\nnotify benchmark: ${N} events, concurrency ${CONCURRENCY}, webhook provider -> loopback receiver, ${os.cpus().length} cores`);
  console.log(`direct provider calls        ${directRate.toFixed(0).padStart(7)} msg/s  (${directMs.toFixed(0)} ms)`);
  console.log(`outbox -> Agenda -> provider ${outboxRate.toFixed(0).padStart(7)} msg/s  (${outboxMs.toFixed(0)} ms, includes the job pick-up)`);
  console.log(`  ... and every row marked   ${((N / markedMs) * 1000).toFixed(0).padStart(7)} msg/s  (${markedMs.toFixed(0)} ms)`);
  console.log(`ratio outbox/direct: ${(outboxRate / directRate).toFixed(3)} (goal >= 0.5)`);
  const [{ n }] = (await db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_messages WHERE status <> 'sent'")).rows as [{ n: number }];
  if (n) {
    console.error(`${n} messages not sent: the figures are not valid`);
    process.exitCode = 1;
  }
} finally {
  await jobs.stop();
  await engine.outbox.idle();
  await closeDatabase(db);
  await receiver.close();
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
