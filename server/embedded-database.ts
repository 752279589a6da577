// The embedded PostgreSQL of a start without DATABASE_URL, under DATA_DIR on EMBEDDED_PG_PORT: one
// place for how npm start (main.ts), a cluster's primary and startServer start it. Imports nothing
// of the engine beyond it, so main.ts can start it before the engine loads.
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../engine/store/embedded-postgres.ts';
import type { Logger } from '../engine/support/logger.ts';
import type { Config } from './config.ts';

export function startEmbeddedDatabase(config: Config, logger: Logger): Promise<EmbeddedPostgres> {
  return startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'rulepath', logger });
}
