// Which access tokens belong to ended sessions (rows of revoked_sessions, see revoke-sessions.ts),
// checked on every request from memory.
//
// Several API processes share one database, and a logout on one must reach the others. Each
// process keeps the rows it has read and reads the new ones before a check whenever its last read is
// REREAD_MS old or more: one indexed query per process every 2 seconds at most, whatever the request
// rate. So a session ended anywhere stops working everywhere within 2 seconds, and at once on the
// process that ended it (it reads again right after its own commit).
// Why not LISTEN/NOTIFY, as releases travel (store/change-feed.ts): a notification sent while a
// listener reconnects is lost, and a lost revocation would leave a token working for its whole
// lifetime; a read that is due either happens before the check or fails the request (503).
//
// "New rows" are told by the transaction that wrote them, not by time: timestamps are taken before
// commit, so a row stamped earlier can become visible after one stamped later, and a watermark of
// times would skip it. Each read takes the rows of every transaction that was not known to be over
// at the previous read (its snapshot's xmin): those that were still running are read again.
import type { Database } from '../store/database.ts';
import type { Logger } from '../support/logger.ts';
import { AppError } from '../errors/app-error.ts';

/** How old the last read may be when a token is checked: the documented bound across processes. */
export const REREAD_MS = 2_000;
const PRUNE_MS = 60_000;

/** What a verified access token says about its session. */
export interface TokenSession {
  /** The session (refresh-token family) it belongs to; absent in tokens issued before sessions were named. */
  sid?: string;
  sub: string;
  /** Issued at, in seconds. */
  iat: number;
}

export interface SessionDenylist {
  /** Whether the token's session ended (its sid revoked, or its user's sessions ended after it was issued). */
  isRevoked(token: TokenSession): Promise<boolean>;
  /** After this process committed a revocation: the next check reads first. */
  reread(): void;
  /** Deletes the rows whose tokens have all expired; returns how many. */
  purge(): Promise<number>;
}

interface Row {
  horizon: string;
  id: string | null;
  kind: string | null;
  revoked_at: Date | null;
  expires_at: Date | null;
}

export function createSessionDenylist(db: Pick<Database, 'sql'>, clock: () => Date, logger: Logger): SessionDenylist {
  // Ended sessions (expiry in ms), and users with the time their sessions ended (ms).
  const sessions = new Map<string, number>();
  const users = new Map<string, { revokedAt: number; expires: number }>();
  let horizon = '0';
  let readAt = 0;
  let stale = true;
  let prunedAt = 0;
  let reading: Promise<void> | undefined;

  // The clock may be set back (tests do): a last read "in the future" is due too.
  const due = (now: number) => stale || now < readAt || now - readAt >= REREAD_MS;

  async function read(): Promise<void> {
    const now = clock().getTime();
    stale = false;
    readAt = now;
    try {
      // One statement, one snapshot: the rows it sees and the xmin it reports belong together.
      const { rows } = await db.sql.query<Row>(
        `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon, r.id, r.kind, r.revoked_at, r.expires_at
           FROM (SELECT 1) AS one
           LEFT JOIN revoked_sessions r ON r.txid >= $1::bigint AND r.expires_at > $2`,
        [horizon, new Date(now)],
      );
      for (const row of rows) {
        if (row.id === null) continue;
        const expires = row.expires_at!.getTime();
        if (row.kind === 'session') sessions.set(row.id, expires);
        else if (row.kind === 'user') {
          const revokedAt = row.revoked_at!.getTime();
          const known = users.get(row.id);
          if (!known || known.revokedAt < revokedAt) users.set(row.id, { revokedAt, expires });
        }
      }
      horizon = rows[0]!.horizon;
      if (now - prunedAt >= PRUNE_MS) prune(now);
    } catch (err) {
      stale = true;
      logger.error({ err }, 'could not read the revoked sessions');
      throw new AppError('UNAVAILABLE', 'Cannot check the session now; try again', { cause: err });
    }
  }

  function prune(now: number) {
    prunedAt = now;
    for (const [id, expires] of sessions) if (expires <= now) sessions.delete(id);
    for (const [id, user] of users) if (user.expires <= now) users.delete(id);
  }

  return {
    async isRevoked(token) {
      // A reread asked for while a read was under way is not satisfied by that read: read again.
      while (due(clock().getTime())) {
        await (reading ??= read().finally(() => {
          reading = undefined;
        }));
      }
      if (token.sid !== undefined && sessions.has(token.sid)) return true;
      const user = users.get(token.sub);
      return user !== undefined && token.iat <= Math.floor(user.revokedAt / 1000);
    },
    reread() {
      stale = true;
    },
    async purge() {
      const { rowCount } = await db.sql.query('DELETE FROM revoked_sessions WHERE expires_at <= $1', [clock()]);
      return rowCount ?? 0;
    },
  };
}
