// npm start: serves every reference app and prints where to go (WORKERS=N: as N processes, server/cluster.ts).
// The SIGHUP listener goes in before anything heavy loads: ESM loads a module's whole static import
// graph before running any of it, so the server (serve-npm-start.ts) is imported afterwards.
import './reload-on-hangup.ts';
import cluster from 'node:cluster';
import { readConfigOrExit } from './config.ts';
import { startEmbeddedPostgres } from '../engine/store/embedded-postgres.ts';
import { createLogger } from '../engine/support/logger.ts';

const config = readConfigOrExit();
// The embedded PostgreSQL is another process: started first, it gets ready while the engine's
// modules load (~0.1 s of every start). A cluster's primary starts it itself (cluster.ts), and its
// workers are given DATABASE_URL.
const alone = config.workers <= 1 && cluster.isPrimary;
const embedded = alone && !config.databaseUrl ? startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'rulepath', logger: createLogger(config.logLevel) }) : undefined;
// Awaited by the start; a failure is reported there, not as an unhandled rejection meanwhile.
embedded?.catch(() => undefined);

const { serveNpmStart } = await import('./serve-npm-start.ts');
await serveNpmStart(config, embedded);
