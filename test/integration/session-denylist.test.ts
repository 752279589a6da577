// The per-process check of ended sessions against revoked_sessions: what it reads and when.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionDenylist, REREAD_MS } from '../../engine/auth/session-denylist.ts';
import { createLogger } from '../../engine/index.ts';
import { createTestDatabase } from '../support/test-database.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

const T0 = new Date('2026-12-03T10:00:00.000Z');
const insert = (client: pg.Pool | pg.PoolClient, id: string, kind: 'session' | 'user', at: Date, expiresAt = new Date(at.getTime() + 3_600_000)) =>
  client.query('INSERT INTO revoked_sessions (id, kind, revoked_at, expires_at) VALUES ($1, $2, $3, $4)', [id, kind, at, expiresAt]);
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

describe('session denylist', () => {
  it('reads a revocation committed after a later-stamped one it has already read (commit order, not time order)', async () => {
    const clock = { now: T0 };
    const denylist = createSessionDenylist({ sql: pool }, () => clock.now, createLogger('silent'));
    const slow = randomUUID();
    const fast = randomUUID();
    const open = await pool.connect();
    try {
      // The slow transaction stamps its row first and commits last.
      await open.query('BEGIN');
      await insert(open, slow, 'session', T0);
      await insert(pool, fast, 'session', new Date(T0.getTime() + 1000));
      expect(await denylist.isRevoked({ sid: fast, sub: randomUUID(), iat: seconds(T0) })).toBe(true);
      expect(await denylist.isRevoked({ sid: slow, sub: randomUUID(), iat: seconds(T0) })).toBe(false);
      await open.query('COMMIT');
    } finally {
      open.release();
    }
    // Not read again before REREAD_MS (one query per process, whatever the request rate)...
    expect(await denylist.isRevoked({ sid: slow, sub: randomUUID(), iat: seconds(T0) })).toBe(false);
    // ...and read by then.
    clock.now = new Date(T0.getTime() + REREAD_MS);
    expect(await denylist.isRevoked({ sid: slow, sub: randomUUID(), iat: seconds(T0) })).toBe(true);
  });

  it('reads at once when told its own process committed a revocation', async () => {
    const denylist = createSessionDenylist({ sql: pool }, () => T0, createLogger('silent'));
    const sid = randomUUID();
    expect(await denylist.isRevoked({ sid, sub: randomUUID(), iat: seconds(T0) })).toBe(false);
    await insert(pool, sid, 'session', T0);
    denylist.reread();
    expect(await denylist.isRevoked({ sid, sub: randomUUID(), iat: seconds(T0) })).toBe(true);
  });

  it('ends a user’s tokens issued up to the revocation’s second, not those issued after it', async () => {
    const user = randomUUID();
    const at = new Date(T0.getTime() + 500);
    await insert(pool, user, 'user', at);
    const denylist = createSessionDenylist({ sql: pool }, () => T0, createLogger('silent'));
    expect(await denylist.isRevoked({ sid: randomUUID(), sub: user, iat: seconds(T0) - 60 })).toBe(true);
    expect(await denylist.isRevoked({ sid: randomUUID(), sub: user, iat: seconds(at) })).toBe(true);
    expect(await denylist.isRevoked({ sub: user, iat: seconds(at) + 1 })).toBe(false);
    expect(await denylist.isRevoked({ sub: randomUUID(), iat: seconds(T0) })).toBe(false);
  });

  it('forgets rows whose tokens have all expired, and purges them', async () => {
    const gone = randomUUID();
    await insert(pool, gone, 'session', new Date(T0.getTime() - 7_200_000), new Date(T0.getTime() - 1));
    const denylist = createSessionDenylist({ sql: pool }, () => T0, createLogger('silent'));
    expect(await denylist.isRevoked({ sid: gone, sub: randomUUID(), iat: seconds(T0) })).toBe(false);
    expect(await denylist.purge()).toBe(1);
    expect((await pool.query('SELECT 1 FROM revoked_sessions WHERE id = $1', [gone])).rowCount).toBe(0);
  });

  it('fails the check (503) rather than answer from a read that is due and cannot be made', async () => {
    const broken = new pg.Pool({ connectionString: database.url.replace(/\/[^/]+$/, '/no_such_database'), max: 1 });
    const denylist = createSessionDenylist({ sql: broken }, () => T0, createLogger('silent'));
    try {
      await expect(denylist.isRevoked({ sid: randomUUID(), sub: randomUUID(), iat: seconds(T0) })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      await broken.end();
    }
  });
});
