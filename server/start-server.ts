import type { Server } from 'node:http';
import { closeDatabase, createDatabase, createEngine, createLogger, migrate, startEmbeddedPostgres, type Engine, type Logger } from '../engine/index.ts';
import { createHttpApp } from './app.ts';
import type { Config } from './config.ts';

export interface RunningServer {
  url: string;
  engine: Engine;
  logger: Logger;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** Database (embedded when no DATABASE_URL), migrations, definitions, demo users, HTTP. */
export async function startServer(config: Config): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'rulepath', logger });
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  const db = createDatabase(databaseUrl, { onIdleError: (err) => logger.warn({ err }, 'idle database connection lost') });
  let server: Server | undefined;
  try {
    const applied = await migrate(databaseUrl);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const engine = await createEngine({ db, definitionsDir: config.definitionsDir, dataDir: config.dataDir, production: config.production, logger, jwtSecret: config.jwtSecret });
    const seeded = await engine.seedDemoUsers();
    for (const [app, count] of Object.entries(seeded)) if (count) logger.info({ app, count }, 'demo users created');
    const http = createHttpApp(engine, logger, { echoRoute: config.echoRoute });
    server = await new Promise<Server>((resolve, reject) => {
      const s = http.listen(config.port, config.host, () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const running = server;
    return {
      url: `http://localhost:${port}`,
      engine,
      logger,
      databaseUrl,
      async stop() {
        await new Promise<void>((resolve) => {
          running.close(() => resolve());
          running.closeIdleConnections();
        });
        await closeDatabase(db);
        await embedded?.stop();
      },
    };
  } catch (err) {
    server?.close();
    await closeDatabase(db).catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}
