// Refresh tokens: "<id>.<secret>", only a SHA-256 of the secret is stored. Each refresh rotates
// the token inside its family; presenting an already-rotated token means it was copied, so the
// whole family is revoked (RFC 6819 §5.2.2.3 "refresh token rotation" with reuse detection).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EngineContext } from '../engine-context.ts';
import type { Prisma } from '../store/database.ts';
import { AppError } from '../errors/app-error.ts';
import { UUID_RE } from '../support/uuid.ts';
import { revokeSession } from './revoke-sessions.ts';
import type { SessionDenylist } from './session-denylist.ts';

const sha = (s: string) => createHash('sha256').update(s).digest();

function parse(token: unknown): { id: string; secret: string } {
  if (typeof token !== 'string') throw new AppError('UNAUTHENTICATED', 'A refresh token is required');
  const [id, secret] = token.split('.');
  if (!id || !secret || !UUID_RE.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) throw new AppError('UNAUTHENTICATED', 'The refresh token is not valid');
  return { id, secret };
}

// A family is one session: its id is the `sid` of the access tokens issued with it, so revoking the
// family ends them too (session-denylist.ts).
export function createRefreshTokens(ctx: Pick<EngineContext, 'db' | 'clock' | 'logger'>, denylist: Pick<SessionDenylist, 'reread'>) {
  /** `tx`: the transaction of the step that earns the token (the OTP it spends), so both or neither happen. */
  async function issue(app: string, userId: string, hours: number, familyId: string = randomUUID(), tx: Pick<Prisma.TransactionClient, 'refreshToken'> = ctx.db) {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const now = ctx.clock();
    const expiresAt = new Date(now.getTime() + hours * 3_600_000);
    await tx.refreshToken.create({ data: { id, app, userId, familyId, tokenHash: sha(secret).toString('hex'), expiresAt, createdAt: now } });
    return { refreshToken: `${id}.${secret}`, refreshExpiresIn: hours * 3600, familyId };
  }

  async function find(app: string, token: unknown) {
    const { id, secret } = parse(token);
    const row = await ctx.db.refreshToken.findUnique({ where: { id } });
    const expected = row ? Buffer.from(row.tokenHash, 'hex') : Buffer.alloc(32);
    if (!row || row.app !== app || !timingSafeEqual(expected, sha(secret))) throw new AppError('UNAUTHENTICATED', 'The refresh token is not valid');
    return row;
  }

  // The refresh tokens and the family's access tokens end together, in one transaction.
  async function revokeFamily(familyId: string): Promise<void> {
    const now = ctx.clock();
    await ctx.db.$transaction(async (tx) => {
      await tx.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: now } });
      await revokeSession(tx, familyId, now);
    });
    denylist.reread();
  }

  return {
    issue,
    /** Exchanges a refresh token for a new one of the same family; returns whose it was. */
    async rotate(app: string, token: unknown, hours: number): Promise<{ userId: string; refreshToken: string; refreshExpiresIn: number; familyId: string }> {
      const row = await find(app, token);
      const now = ctx.clock();
      if (row.revokedAt) throw new AppError('UNAUTHENTICATED', 'The refresh token has been revoked');
      if (row.expiresAt <= now) throw new AppError('UNAUTHENTICATED', 'The refresh token has expired');
      // Only one presenter of a token can rotate it; anyone after that is replaying a copy. Spending
      // the old token and storing the new one are one transaction: a failure leaves the old one usable.
      const next = await ctx.db.$transaction(async (tx) => {
        const { count } = await tx.refreshToken.updateMany({ where: { id: row.id, usedAt: null, revokedAt: null }, data: { usedAt: now } });
        return count ? issue(app, row.userId, hours, row.familyId, tx) : undefined;
      });
      if (!next) {
        await revokeFamily(row.familyId);
        ctx.logger.warn({ app, userId: row.userId, familyId: row.familyId }, 'refresh token reuse: family revoked');
        throw new AppError('UNAUTHENTICATED', 'The refresh token was already used; sign in again');
      }
      return { userId: row.userId, ...next };
    },
    /** Logout: the presented token's whole family stops working, and the access tokens issued with it. */
    async revoke(app: string, token: unknown): Promise<void> {
      const row = await find(app, token);
      await revokeFamily(row.familyId);
    },
  };
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
