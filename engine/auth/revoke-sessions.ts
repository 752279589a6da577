// Ending sessions before their access tokens expire: a row in revoked_sessions, written in the
// transaction that ends the session (the refresh tokens revoked, the user deactivated), so both or
// neither happen. Every process checks tokens against these rows (session-denylist.ts).
import type { Prisma } from '../store/database.ts';

// A row is needed while a token it covers can still be unexpired. The longest lifetime any app may
// give an access token (app.schema.json auth.accessTokenMinutes maximum) bounds that whatever the
// app's lifetime was when each token was issued: a release that shortens it does not shorten the
// tokens already out.
export const ACCESS_TOKEN_MAX_MINUTES = 1440;

type Tx = Pick<Prisma.TransactionClient, '$executeRaw'>;

const keptUntil = (at: Date) => new Date(at.getTime() + ACCESS_TOKEN_MAX_MINUTES * 60_000);

/** Every access token whose `sid` is `sessionId` (a refresh-token family) stops working. */
export async function revokeSession(tx: Tx, sessionId: string, at: Date): Promise<void> {
  // Revoked twice (a logout after a reuse): the first revocation stands.
  await tx.$executeRaw`INSERT INTO revoked_sessions (id, kind, revoked_at, expires_at) VALUES (${sessionId}::uuid, 'session', ${at}, ${keptUntil(at)}) ON CONFLICT (id) DO NOTHING`;
}

/**
 * Every access token of the user issued up to `at` stops working, whatever its session (password
 * sign-ins have no refresh family). A token's `iat` has whole seconds: one issued in the same second
 * as `at` counts as before it, so a token never outlives a revocation it might predate.
 */
export async function revokeUserSessions(tx: Tx, userId: string, at: Date): Promise<void> {
  // A later revocation moves the row forward, with a new txid, so that every process reads it again.
  await tx.$executeRaw`INSERT INTO revoked_sessions (id, kind, revoked_at, expires_at) VALUES (${userId}::uuid, 'user', ${at}, ${keptUntil(at)})
    ON CONFLICT (id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at, expires_at = EXCLUDED.expires_at, txid = EXCLUDED.txid`;
}
