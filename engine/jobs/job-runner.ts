// Agenda runs the engine's background work. PostgreSQL by default (its tables live in the
// `agenda` schema, created by the backend itself); MongoDB when AGENDA_MONGO_URL is given.
// Agenda and its backend (~20 MB resident, ~0.2 s to load) are loaded by startJobRunner: an API
// process with JOBS=off (a cluster's other workers, a deployment's API tier) never loads them.
import type { Agenda } from 'agenda';
import pg from 'pg';
import type { Logger } from '../support/logger.ts';
import type { Metrics } from '../support/metrics.ts';

export interface JobDefinition {
  name: string;
  /** Recurring schedule (human interval or cron), if any. */
  every?: string;
  /** IANA time zone a cron `every` is read in; UTC when absent (never the host's zone). */
  timezone?: string;
  /**
   * How long a run holds the job's lock (default 60 s). A process killed mid-run leaves its lock
   * behind: no other process runs the job until it lapses. Shorter for a job whose runs may overlap safely.
   */
  lockLifetimeMs?: number;
  run(): Promise<unknown>;
}

export interface JobRunnerOptions {
  databaseUrl: string;
  mongoUrl?: string;
  name: string;
  logger: Logger;
  jobs: JobDefinition[];
  processEvery?: string;
  /** The engine's metrics: each run's duration and outcome. */
  metrics?: Metrics;
  /** How long stop() waits for running jobs before it stops them (default 30 s). */
  drainMs?: number;
}

export interface JobRunner {
  agenda: Agenda;
  /** After a definitions reload: new jobs defined, schedules updated, jobs no longer defined removed. */
  schedule(jobs: JobDefinition[]): Promise<void>;
  /** Stops picking up jobs and waits for the running ones (graceful). */
  stop(): Promise<void>;
}

async function backendFor(options: JobRunnerOptions): Promise<{ backend: ConstructorParameters<typeof Agenda>[0]['backend']; close(): Promise<void> }> {
  if (options.mongoUrl) {
    const { MongoBackend } = await import('@agendajs/mongo-backend');
    return { backend: new MongoBackend({ address: options.mongoUrl } as never) as never, close: async () => {} };
  }
  // A pool of its own whose search_path is the agenda schema (see the outbox migration).
  const { PostgresBackend } = await import('@agendajs/postgres-backend');
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, options: '-c search_path=agenda' });
  pool.on('error', (err) => options.logger.warn({ err }, 'agenda database connection lost'));
  const backend = new PostgresBackend({ pool });
  // The LISTEN connection re-emits its errors (e.g. the database shutting down first): an error
  // event nobody listens to would end the process.
  (backend.notificationChannel as unknown as { on?(e: 'error', f: (err: unknown) => void): void } | undefined)?.on?.('error', (err) =>
    options.logger.warn({ err }, 'agenda notification connection lost'),
  );
  return { backend: backend as never, close: () => pool.end() };
}

export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const [{ backend, close }, { Agenda }] = await Promise.all([backendFor(options), import('agenda')]);
  const agenda = new Agenda({ backend, name: options.name, processEvery: options.processEvery ?? '2 seconds', defaultLockLifetime: 60_000 });
  agenda.on('error', (err: unknown) => options.logger.error({ err }, 'agenda error'));
  // The current run function of each job name: a reload replaces it without redefining the job.
  const current = new Map<string, JobDefinition>();
  const runTimed = async (name: string): Promise<void> => {
    const startedAt = process.hrtime.bigint();
    try {
      await current.get(name)?.run();
      options.metrics?.jobRunSince(name, 'ok', startedAt);
    } catch (err) {
      options.metrics?.jobRunSince(name, 'failed', startedAt);
      throw err;
    }
  };
  const define = (job: JobDefinition) => {
    if (!current.has(job.name)) agenda.define(job.name, () => runTimed(job.name), { concurrency: 1, ...(job.lockLifetimeMs ? { lockLifetime: job.lockLifetimeMs } : {}) });
    current.set(job.name, job);
  };
  // Without a zone, Agenda (cron-parser) reads a cron in the host's zone: the same definition
  // would run at another instant on a server set to another zone. UTC unless the job names one.
  const repeat = async (job: JobDefinition) => {
    if (job.every) await agenda.every(job.every, job.name, undefined, { timezone: job.timezone ?? 'UTC' });
  };
  options.jobs.forEach(define);
  await agenda.start();
  for (const job of options.jobs) await repeat(job);
  return {
    agenda,
    async schedule(jobs) {
      const gone = [...current.keys()].filter((name) => !jobs.some((j) => j.name === name));
      for (const name of gone) current.delete(name);
      if (gone.length) await agenda.cancel({ names: gone });
      jobs.forEach(define);
      for (const job of jobs) await repeat(job);
    },
    async stop() {
      await agenda.drain(options.drainMs ?? 30_000).catch(() => agenda.stop());
      await close();
    },
  };
}
