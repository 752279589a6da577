import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** Process settings, from the environment, with development defaults. */
export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  const production = env.NODE_ENV === 'production';
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  return {
    production,
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(ROOT, env.DATA_DIR ?? '.data'),
    embeddedPgPort: Number(env.EMBEDDED_PG_PORT ?? 54329),
    definitionsDir: path.resolve(ROOT, env.DEFINITIONS_DIR ?? 'definitions'),
    pluginsDir: path.resolve(ROOT, env.PLUGINS_DIR ?? 'plugins'),
    /** JOBS=off serves HTTP only (run `npm run worker` elsewhere). */
    jobs: env.JOBS !== 'off',
    agendaMongoUrl: env.AGENDA_MONGO_URL || undefined,
    /** Outbox retry backoff (first retry waits base/2..base, doubling up to max) and claim lease. */
    outbox: {
      backoff: { baseMs: Number(env.OUTBOX_BACKOFF_BASE_MS ?? 2000), maxMs: Number(env.OUTBOX_BACKOFF_MAX_MS ?? 900_000) },
      leaseMs: Number(env.OUTBOX_LEASE_MS ?? 60_000),
    },
    jwtSecret: env.JWT_SECRET,
    logLevel: env.LOG_LEVEL ?? 'info',
    echoRoute: env.ECHO_ROUTE === '1',
    /** PUBLIC_URL: how clients reach this server (behind a proxy), for the upload URLs it hands out. */
    publicUrl: env.PUBLIC_URL || undefined,
    /** DEMO_DATA=off starts development without the apps' demo records (benchmarks bring their own). */
    demoData: env.DEMO_DATA !== 'off',
  };
}

export type Config = ReturnType<typeof readConfig>;
