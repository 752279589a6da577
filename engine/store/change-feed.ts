// Cache invalidation between processes: a write's process drops its own caches at once and tells
// the others through PostgreSQL NOTIFY (an API process learns that the worker's daily job moved
// promotions). One LISTEN connection per process, reconnected if it drops.
import pg from 'pg';
import type { Logger } from '../support/logger.ts';
import type { Database } from './database.ts';

const CHANNEL = 'rulepath_changes';

export interface ChangeFeed {
  /** Tells every other process (after the commit). */
  publish(message: string): void;
}

export function startChangeFeed(db: Database, logger: Logger, onMessage: (message: string) => void): ChangeFeed {
  const id = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: db.databaseUrl });
    c.on('error', (err) => {
      logger.warn({ err }, 'change feed connection lost; reconnecting');
      if (client === c) client = undefined;
      c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000);
    });
    c.on('notification', (n) => {
      const [from, ...rest] = (n.payload ?? '').split('|');
      if (from !== id) onMessage(rest.join('|'));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      if (closed) await c.end();
      else client = c;
    } catch (err) {
      logger.warn({ err }, 'change feed could not connect; retrying');
      c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000);
    }
  };
  void connect();
  // A burst of writes (a CSV import) says each distinct change once per tick, not once per row.
  const pending = new Set<string>();
  let flushing: NodeJS.Timeout | undefined;
  const flush = () => {
    flushing = undefined;
    const sent = [...pending].map((message) => db.sql.query('SELECT pg_notify($1, $2)', [CHANNEL, `${id}|${message}`]).catch((err: unknown) => logger.warn({ err }, 'could not publish a change')));
    pending.clear();
    return Promise.all(sent);
  };
  // Closers run before the pool ends: what was said just before closing (a release published by a
  // process that is stopping) still reaches the others.
  db.closers.push(async () => {
    closed = true;
    clearTimeout(retry);
    clearTimeout(flushing);
    await flush();
    await client?.end();
  });
  return {
    publish(message) {
      if (closed) return;
      pending.add(message);
      flushing ??= setTimeout(flush, 10);
    },
  };
}

/** Tells every process once, from one without a feed of its own (`npm run definitions -- import`). */
export async function notifyChange(db: Pick<Database, 'sql'>, message: string): Promise<void> {
  await db.sql.query('SELECT pg_notify($1, $2)', [CHANNEL, `command-${process.pid}|${message}`]);
}
