import type { Server } from 'node:http';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog, prepareDatabase, startJobRunner, takeStartUpLock, type EmbeddedPostgres, type Engine, type StartUpLock, type JobRunner, type Logger } from '../engine/index.ts';
import { createHttpApp } from './app.ts';
import { startEmbeddedDatabase } from './embedded-database.ts';
import { listenHttp } from './listen-http.ts';
import type { Config } from './config.ts';
import { createOpsApp } from './ops-app.ts';
import type { ServingState } from './routes/ops-routes.ts';
import { startTracing } from './tracing.ts';

export interface StartOptions {
  /** false: background jobs only, no HTTP (npm run worker). */
  http?: boolean;
  /** The embedded PostgreSQL, already starting (npm start starts it before the engine loads); used when there is no DATABASE_URL. */
  embedded?: Promise<EmbeddedPostgres>;
}

export interface RunningServer {
  url: string;
  engine: Engine;
  logger: Logger;
  databaseUrl: string;
  /** Reloads definitions; the job runner of this process takes up new or changed job schedules. */
  reload(): ReturnType<Engine['reload']>;
  /** The job runner, started once the port listens (undefined with JOBS=off); a rejection means jobs could not start. */
  jobs: Promise<JobRunner | undefined>;
  /** `draining` goes true when stop() begins: /readyz answers 503 from then on. */
  serving: ServingState;
  /** The METRICS_PORT listener's address, when there is one. */
  opsUrl?: string;
  /**
   * Drains, then stops: readiness goes false, the port stays open for SHUTDOWN_DELAY_MS, closes, and
   * requests in flight get SHUTDOWN_GRACE_MS to finish before their connections are cut; then the
   * job runner (running jobs get the same grace), the outbox pass under way, the database.
   */
  stop(): Promise<void>;
}

/** Stops accepting, lets requests in flight finish within `graceMs`, then cuts what is left. */
function closeServer(server: Server, graceMs: number, logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    // A kept-alive connection goes idle once its last answer is out: closed as soon as it does.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => {
      logger.warn({ graceMs }, 'requests still in flight after the shutdown grace: connections cut');
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

const portOf = (server: Server, fallback: number) => {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : fallback;
};

/** Database (embedded when no DATABASE_URL), migrations, definitions, demo users, HTTP. */
export async function startServer(config: Config, startOptions: StartOptions = {}): Promise<RunningServer> {
  const serveHttp = startOptions.http ?? true;
  const logger = createLogger(config.logLevel);
  const embedded = config.databaseUrl
    ? undefined
    : await (startOptions.embedded ?? startEmbeddedDatabase(config, logger));
  const ownerUrl = config.migrationDatabaseUrl ?? config.databaseUrl ?? embedded!.url;
  // Processes starting together on this database take turns until this one's start-up writes are
  // done (migrations, releases, demo data, Agenda's tables); then it serves beside the others.
  let startUp: StartUpLock | undefined;
  // Migrations as the owner; the server's own connections as a role that cannot alter the tables.
  let prepared: Awaited<ReturnType<typeof prepareDatabase>>;
  try {
    startUp = await takeStartUpLock(ownerUrl);
    prepared = await prepareDatabase({ ownerUrl, appUrl: config.databaseUrl });
  } catch (err) {
    await startUp?.release();
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
  if (prepared.applied.length) logger.info({ applied: prepared.applied }, 'migrations applied');
  const databaseUrl = prepared.appUrl;
  const db = createDatabase(databaseUrl, { onIdleError: (err) => logger.warn({ err }, 'idle database connection lost') });
  let server: Server | undefined;
  let ops: Server | undefined;
  let jobs: JobRunner | undefined;
  const serving: ServingState = { draining: false };
  let tracing: Awaited<ReturnType<typeof startTracing>> | undefined;
  try {
    // Off unless OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set; then the SDK is loaded, not before.
    tracing = await startTracing(config.otel);
    const spans = tracing;
    const plugins = await loadPluginCatalog(config.pluginsDir);
    const engine = await createEngine({ db, plugins, backoff: config.outbox.backoff, outboxLeaseMs: config.outbox.leaseMs, definitionsDir: config.definitionsDir, dataDir: config.dataDir, production: config.production, logger, jwtSecret: config.jwtSecret, hashKey: config.hashKey, auditKey: config.auditKey, env: config.definitionEnv });
    if (serveHttp) {
      const seeded = await engine.seedDemoUsers();
      for (const [app, count] of Object.entries(seeded)) if (count) logger.info({ app, count }, 'demo users created');
      if (config.demoData) {
        const records = await engine.seedDemoData();
        for (const [app, count] of Object.entries(records)) if (count) logger.info({ app, count }, 'demo records created');
      }
    }
    let port = config.port;
    if (serveHttp) {
      const http = createHttpApp(engine, logger, { echoRoute: config.echoRoute, publicUrl: config.publicUrl, corsOrigins: config.http.corsOrigins, serving, metricsToken: config.metricsToken, tracing: spans });
      server = await listenHttp(http, config.http, config.port, config.host);
      port = portOf(server, config.port);
    }
    if (config.metricsPort !== undefined) ops = await listenHttp(createOpsApp(engine, logger, { serving, metricsToken: config.metricsToken }), config.http, config.metricsPort, config.host);
    const running = server;
    const opsServer = ops;
    // The job runner starts once the port listens: no request waits for Agenda (~0.1 s of every
    // start). Its tables are still made under the start-up lock, released when they are. A worker
    // (no HTTP) is up when its jobs are.
    const lock = startUp;
    const jobsStarted = (async () => {
      try {
        if (!config.jobs && serveHttp) return undefined;
        const runner = await startJobRunner({ databaseUrl, mongoUrl: config.agendaMongoUrl, name: `rulepath-${process.pid}`, logger, jobs: engine.jobs(), metrics: engine.metrics, drainMs: config.shutdownGraceMs });
        jobs = runner;
        // A release published by an admin (here or in another process) may define, change or drop jobs.
        engine.onRegistryChange(() => void runner.schedule(engine.jobs()).catch((err: unknown) => logger.error({ err }, 'could not reschedule the jobs')));
        return runner;
      } finally {
        await lock.release();
      }
    })();
    if (!serveHttp) await jobsStarted;
    // Whoever serves is told through `jobs` (serve-npm-start.ts stops the process); not unhandled meanwhile.
    jobsStarted.catch(() => undefined);
    const runnerOf = () => jobsStarted.catch(() => undefined);
    return {
      url: `http://localhost:${port}`,
      engine,
      logger,
      databaseUrl,
      serving,
      opsUrl: opsServer && `http://localhost:${portOf(opsServer, config.metricsPort ?? 0)}`,
      jobs: jobsStarted,
      async reload() {
        const report = await engine.reload();
        // Awaited here so that a reload's caller knows its jobs are scheduled (onRegistryChange does it too, unawaited).
        await (await runnerOf())?.schedule(engine.jobs());
        return report;
      },
      async stop() {
        serving.draining = true;
        if (running) {
          // Load balancers that poll /readyz see it fail before the port closes under them.
          if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
          await closeServer(running, config.shutdownGraceMs, logger);
        }
        await (await runnerOf())?.stop();
        await engine.outbox.idle();
        if (opsServer) await closeServer(opsServer, 1000, logger);
        await closeDatabase(db);
        await embedded?.stop();
        await spans?.shutdown().catch((err: unknown) => logger.warn({ err }, 'could not send the last spans'));
      },
    };
  } catch (err) {
    await startUp.release();
    server?.close();
    ops?.close();
    await tracing?.shutdown().catch(() => undefined);
    await jobs?.stop().catch(() => undefined);
    await closeDatabase(db).catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}
