// The only module that creates the Prisma client. Everything else receives a `Database`.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client.ts';

export { Prisma } from './generated/client.ts';

/**
 * Prisma for everything, plus the very pg pool Prisma runs on for the engine's hottest
 * statements: Prisma's per-query overhead measured ~5x pg's here (SELECT 1 from 16 workers:
 * 3.8k/s through Prisma, 21k/s through pg), and a status change is two statements.
 */
export type Database = PrismaClient & {
  readonly sql: pg.Pool;
  readonly databaseUrl: string;
  /** Closed with the database (LISTEN connections). */
  readonly closers: (() => Promise<void>)[];
};

export function createDatabase(databaseUrl: string, options: { poolSize?: number; onIdleError?: (err: Error) => void } = {}): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 20 });
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it on the next checkout.
  pool.on('error', options.onIdleError ?? (() => undefined));
  // Interactive transactions wait for a pooled connection under load instead of failing at Prisma's
  // 2 s default: every transaction of the engine (creates, moves, codes, refresh tokens) gets this.
  const client = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: { maxWait: 15_000, timeout: 15_000 } });
  return Object.assign(client, { sql: pool, databaseUrl, closers: [] });
}

export async function closeDatabase(db: Database): Promise<void> {
  for (const close of db.closers.splice(0)) await close().catch(() => undefined);
  await db.$disconnect();
  if (!db.sql.ending) await db.sql.end();
}
