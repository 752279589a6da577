import type { Server } from 'node:http';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog, prepareDatabase, startEmbeddedPostgres, startJobRunner, takeStartUpLock, type Engine, type StartUpLock, type JobRunner, type Logger } from '../engine/index.ts';
import { createHttpApp } from './app.ts';
import { listenHttp } from './listen-http.ts';
import type { Config } from './config.ts';

export interface StartOptions {
  /** false: background jobs only, no HTTP (npm run worker). */
  http?: boolean;
}

export interface RunningServer {
  url: string;
  engine: Engine;
  logger: Logger;
  databaseUrl: string;
  /** Reloads definitions; the job runner of this process takes up new or changed job schedules. */
  reload(): ReturnType<Engine['reload']>;
  stop(): Promise<void>;
}

/** Database (embedded when no DATABASE_URL), migrations, definitions, demo users, HTTP. */
export async function startServer(config: Config, startOptions: StartOptions = {}): Promise<RunningServer> {
  const serveHttp = startOptions.http ?? true;
  const logger = createLogger(config.logLevel);
  // The embedded PostgreSQL unless given a database: DATABASE_URL, or MIGRATION_DATABASE_URL alone
  // (the owner's; the server then makes and uses the role rulepath_app, as a WORKERS=N cluster's
  // children do on the primary's embedded PostgreSQL).
  const embedded = config.databaseUrl || config.migrationDatabaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'rulepath', logger });
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
  let jobs: JobRunner | undefined;
  try {
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
    if (config.jobs || !serveHttp) {
      jobs = await startJobRunner({ databaseUrl, mongoUrl: config.agendaMongoUrl, name: `rulepath-${process.pid}`, logger, jobs: engine.jobs() });
    }
    await startUp.release();
    let port = config.port;
    if (serveHttp) {
      const http = createHttpApp(engine, logger, { echoRoute: config.echoRoute, publicUrl: config.publicUrl, corsOrigins: config.http.corsOrigins });
      server = await listenHttp(http, config.http, config.port, config.host);
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : config.port;
    }
    const running = server;
    const runner = jobs;
    // A release published by an admin (here or in another process) may define, change or drop jobs.
    if (runner) engine.onRegistryChange(() => void runner.schedule(engine.jobs()).catch((err: unknown) => logger.error({ err }, 'could not reschedule the jobs')));
    return {
      url: `http://localhost:${port}`,
      engine,
      logger,
      databaseUrl,
      async reload() {
        const report = await engine.reload();
        // Awaited here so that a reload's caller knows its jobs are scheduled (onRegistryChange does it too, unawaited).
        await runner?.schedule(engine.jobs());
        return report;
      },
      async stop() {
        if (running) {
          await new Promise<void>((resolve) => {
            running.close(() => resolve());
            running.closeIdleConnections();
          });
        }
        await runner?.stop();
        await engine.outbox.idle();
        await closeDatabase(db);
        await embedded?.stop();
      },
    };
  } catch (err) {
    await startUp.release();
    server?.close();
    await jobs?.stop().catch(() => undefined);
    await closeDatabase(db).catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}
