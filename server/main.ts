// npm start: serves every reference app and prints where to go (WORKERS=N: as N processes, server/cluster.ts).
// The SIGHUP listener goes in before anything heavy loads: ESM loads a module's whole static import
// graph before running any of it, so everything else is imported afterwards, dynamically (a test
// holds this file to that).
import './reload-on-hangup.ts';

// pg 8 asks, as it loads, whether it runs in a Cloudflare Worker: by `navigator.userAgent`, which
// Node has from version 21, or else by making a fetch Response, which loads undici (~35 ms of every
// start, for a fetch no start makes). While the modules load, this process answers as Node 21 would.
const hadNavigator = 'navigator' in globalThis;
if (!hadNavigator) Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` }, configurable: true });

const { default: cluster } = await import('node:cluster');
const { readConfigOrExit } = await import('./config.ts');
const config = readConfigOrExit();

// The embedded PostgreSQL is another process: started first, it gets ready while the engine's
// modules load. A cluster's primary starts it itself (cluster.ts), and its workers are given DATABASE_URL.
let embedded: Promise<import('../engine/store/embedded-postgres.ts').EmbeddedPostgres> | undefined;
if (config.workers <= 1 && cluster.isPrimary && !config.databaseUrl) {
  const [{ startEmbeddedDatabase }, { createLogger }] = await Promise.all([import('./embedded-database.ts'), import('../engine/support/logger.ts')]);
  embedded = startEmbeddedDatabase(config, createLogger(config.logLevel));
  // Awaited by the start; a failure is reported there, not as an unhandled rejection meanwhile.
  embedded.catch(() => undefined);
}
// Asked to stop before the server's own signal handlers are in (stop-on-signal.ts): the database
// this process started stops with it.
const stopDatabase = async () => embedded?.then((pg) => pg.stop(), () => undefined);
const stopEarly = () => void stopDatabase().finally(() => process.exit(0));
if (embedded) for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, stopEarly);

let serve: typeof import('./serve-npm-start.ts');
try {
  serve = await import('./serve-npm-start.ts');
} catch (err) {
  // The database this process started must not outlive it.
  await stopDatabase();
  throw err;
} finally {
  if (!hadNavigator) delete (globalThis as { navigator?: unknown }).navigator;
}
await serve.serveNpmStart(config, embedded);
// Serving: its handlers stop the database with everything else.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.off(signal, stopEarly);
