// npm start with WORKERS=N: N API processes share the port (node:cluster; the primary hands out
// connections) so every core serves. The primary serves nothing itself: it starts the embedded
// PostgreSQL when there is no DATABASE_URL, forks the workers, restarts one that dies, and passes
// SIGHUP (reload) and SIGTERM/SIGINT (drain and stop) on. The first worker also runs the jobs; the
// others are API only. Their start-ups take turns on the database (engine/store/start-up-lock.ts).
import cluster, { type Worker } from 'node:cluster';
import { createLogger, prepareDatabase } from '../engine/index.ts';
import type { Config } from './config.ts';
import { startEmbeddedDatabase } from './embedded-database.ts';

/** A worker that dies this soon after its start is not restarted in a loop: the cluster stops instead. */
const MIN_LIFETIME_MS = 10_000;

export async function runClusterPrimary(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config, logger);
  // On the embedded PostgreSQL the workers get both connections, as a deployment gives them: the
  // owner's for migrations and the application role's (made here, with its grants) for serving.
  let database: Record<string, string> = {};
  if (embedded) {
    const prepared = await prepareDatabase({ ownerUrl: embedded.url }).catch(async (err: unknown) => {
      await embedded.stop().catch(() => undefined);
      throw err;
    });
    database = { MIGRATION_DATABASE_URL: embedded.url, DATABASE_URL: prepared.appUrl };
  }
  const env = (first: boolean): Record<string, string> => ({
    ...database,
    ...(first ? {} : { JOBS: 'off' }),
  });
  let stopping = false;
  let jobsWorker: Worker | undefined;
  const fork = (first: boolean) => {
    const worker = cluster.fork(env(first));
    const started = Date.now();
    if (first) jobsWorker = worker;
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ pid: worker.process.pid, code, signal }, 'a worker died');
      if (Date.now() - started < MIN_LIFETIME_MS) {
        logger.error('it died during its start: stopping the cluster');
        void stop(1);
        return;
      }
      fork(worker === jobsWorker);
    });
  };
  for (let i = 0; i < config.workers; i++) fork(i === 0);

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    const exited = Promise.all(workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve())))));
    for (const w of workers) w.process.kill('SIGTERM');
    // A worker drains in up to SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS (requests) + SHUTDOWN_GRACE_MS
    // (jobs), then its outbox pass and database: killed only well after that.
    const bound = setTimeout(() => workers.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), config.shutdownDelayMs + 2 * config.shutdownGraceMs + 15_000);
    await exited;
    clearTimeout(bound);
    await embedded?.stop().catch((err: unknown) => logger.error({ err }, 'could not stop the embedded PostgreSQL'));
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
  });
  logger.info({ workers: config.workers, port: config.port }, 'cluster started: the first worker prints where to go');
}
