// The database the server uses, for a command run beside it: DATABASE_URL, else the embedded
// PostgreSQL under DATA_DIR — the running server's when it answers, otherwise started for the
// command and stopped after (as `npm run audit:verify` does). Migrated as a start migrates it, so a
// command on a database no server has opened yet finds the tables.
import pg from 'pg';
import { pino } from 'pino';
import { closeDatabase, createDatabase, embeddedPostgresUrl, giveAuditKey, loadAuditKey, prepareDatabase, startEmbeddedPostgres, type Database, type Logger } from '../engine/index.ts';
import type { Config } from '../server/config.ts';

/** A command's logger: to stderr (stdout is the command's answer), at the config's command level. */
export function commandLogger(config: Config): Logger {
  return pino({ level: config.commandLogLevel, base: undefined }, pino.destination(2));
}

export interface OpenDatabase {
  db: Database;
  close(): Promise<void>;
}

/** The URL without its password, for messages. */
export const shownUrl = (url: string) => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(DATABASE_URL is not a URL)';
  }
};

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openServerDatabase(config: Config, logger: Logger): Promise<OpenDatabase> {
  let url = config.databaseUrl ?? embeddedPostgresUrl(config.embeddedPgPort, 'rulepath');
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!(await answers(url))) {
    if (config.databaseUrl) throw new Error(`The database at DATABASE_URL (${shownUrl(config.databaseUrl)}) does not answer`);
    // No server is running on this DATA_DIR: start its embedded database just for the command.
    const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'rulepath', logger });
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  let appUrl: string;
  try {
    // As the server does: migrations as the owner, the command's own work as the application's role.
    ({ appUrl } = await prepareDatabase({ ownerUrl: config.databaseUrl ? (config.migrationDatabaseUrl ?? url) : url, appUrl: config.databaseUrl }));
  } catch (err) {
    await stopEmbedded?.();
    throw err;
  }
  const db = createDatabase(appUrl, { poolSize: 4 });
  // Users changed from the command line are audited like the API's: sealed with the same key.
  giveAuditKey(db.sql, loadAuditKey({ dataDir: config.dataDir, production: config.production, env: config.auditKey }));
  return {
    db,
    async close() {
      await closeDatabase(db);
      await stopEmbedded?.();
    },
  };
}
