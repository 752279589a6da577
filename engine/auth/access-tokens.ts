import { AppError } from '../errors/app-error.ts';
import type { Actor } from './actor.ts';
import type { TokenSession } from './session-denylist.ts';

export const TOKEN_ISSUER = 'rulepath';
const ALGORITHM = 'HS256';

export interface AccessTokens {
  /** `session`: the token's `sid` claim, what a logout or a revoked refresh family ends (session-denylist.ts). */
  issue(actor: Actor, minutes: number, session: string): Promise<{ accessToken: string; expiresIn: number }>;
  /** Verifies signature, algorithm, issuer, audience (the app), expiry, and that its session has not ended; any failure is a 401. */
  verify(token: string, app: string): Promise<Actor>;
  /** A short-lived proof that someone passed an OTP for a purpose (e.g. a customer at a promotion). */
  issueProof(app: string, subject: string, claims: Record<string, unknown>, minutes: number): Promise<{ token: string; expiresIn: number }>;
  /** Checks a proof token of this app; any failure is a 401. */
  verifyProof(token: string, app: string): Promise<Record<string, unknown>>;
  /** A token for one purpose of one app (its audience is "app:purpose"), e.g. a signed upload URL. */
  issueFor(app: string, purpose: string, subject: string, claims: Record<string, unknown>, seconds: number): Promise<{ token: string; expiresAt: Date }>;
  /** Checks a purpose token; any failure is a 401 with `expired` or `invalid` as its message. */
  verifyFor(token: string, app: string, purpose: string, messages: { expired: string; invalid: string }): Promise<Record<string, unknown>>;
}

// Verified tokens, by their exact text: the same bytes verify the same way until they expire, and
// an HMAC check per request (WebCrypto, async) is a measurable share of a status change. Whether
// their session has ended since is asked again on every use.
const CACHE_LIMIT = 10_000;

// jose is 46 modules: loaded by the first token signed or checked, not by every start.
let joseModule: Promise<typeof import('jose')> | undefined;
const jose = () => (joseModule ??= import('jose'));

function readAttributes(value: unknown): Actor['attributes'] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
  }
  return Object.freeze(out);
}

/**
 * `revoked`: whether a verified token's session has ended (a logout, a revoked family, a user's
 * sessions ended); checked on every request, cached or not, since a signature stays valid after that.
 */
export function createAccessTokens(secret: Uint8Array, clock: () => Date, revoked: (token: TokenSession) => Promise<boolean>): AccessTokens {
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);
  const verified = new Map<string, { app: string; actor: Actor; exp: number; session: TokenSession }>();
  const unlessRevoked = async (actor: Actor, session: TokenSession): Promise<Actor> => {
    if (await revoked(session)) throw new AppError('UNAUTHENTICATED', 'The session has ended; sign in again');
    return actor;
  };
  return {
    async issue(actor, minutes, session) {
      const now = nowSeconds();
      const { SignJWT } = await jose();
      const accessToken = await new SignJWT({ app: actor.app, role: actor.role, email: actor.email, phone: actor.phone, attrs: actor.attributes, sid: session })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(actor.id)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(actor.app)
        .setIssuedAt(now)
        .setExpirationTime(now + minutes * 60)
        .sign(secret);
      return { accessToken, expiresIn: minutes * 60 };
    },
    async issueFor(app, purpose, subject, claims, seconds) {
      const now = nowSeconds();
      const { SignJWT } = await jose();
      const token = await new SignJWT({ ...claims, purpose })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(subject)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(`${app}:${purpose}`) // never accepted where an access token is expected
        .setIssuedAt(now)
        .setExpirationTime(now + seconds)
        .sign(secret);
      return { token, expiresAt: new Date((now + seconds) * 1000) };
    },
    async verifyFor(token, app, purpose, messages) {
      try {
        const { jwtVerify } = await jose();
        const { payload } = await jwtVerify(token, secret, { algorithms: [ALGORITHM], issuer: TOKEN_ISSUER, audience: `${app}:${purpose}`, currentDate: clock(), requiredClaims: ['sub', 'exp'] });
        if (payload.purpose !== purpose) throw new Error(`not a ${purpose} token`);
        return payload as Record<string, unknown>;
      } catch (err) {
        throw new AppError('UNAUTHENTICATED', err instanceof (await jose()).errors.JWTExpired ? messages.expired : messages.invalid, { cause: err });
      }
    },
    async issueProof(app, subject, claims, minutes) {
      const { token } = await this.issueFor(app, 'proof', subject, claims, minutes * 60);
      return { token, expiresIn: minutes * 60 };
    },
    verifyProof(token, app) {
      return this.verifyFor(token, app, 'proof', { expired: 'The verification has expired; verify again', invalid: 'The verification token is not valid' });
    },
    async verify(token, app) {
      const hit = verified.get(token);
      if (hit && hit.app === app && nowSeconds() < hit.exp) return unlessRevoked(hit.actor, hit.session);
      let actor: Actor;
      let session: TokenSession;
      try {
        const { jwtVerify } = await jose();
        const { payload } = await jwtVerify(token, secret, {
          algorithms: [ALGORITHM],
          issuer: TOKEN_ISSUER,
          audience: app,
          currentDate: clock(),
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        if (payload.app !== app || typeof payload.role !== 'string' || typeof payload.sub !== 'string') {
          throw new AppError('UNAUTHENTICATED', 'The token is not valid for this app');
        }
        actor = Object.freeze({
          id: payload.sub,
          app,
          role: payload.role,
          email: typeof payload.email === 'string' ? payload.email : undefined,
          phone: typeof payload.phone === 'string' ? payload.phone : undefined,
          attributes: readAttributes(payload.attrs),
        });
        // Tokens issued before sessions were named carry no sid: they are accepted until they
        // expire (at most the app's token lifetime after the upgrade), still ended with their user's sessions.
        session = { sid: typeof payload.sid === 'string' ? payload.sid : undefined, sub: payload.sub, iat: payload.iat! };
        if (verified.size >= CACHE_LIMIT) verified.delete(verified.keys().next().value!);
        verified.set(token, { app, actor, exp: payload.exp!, session });
      } catch (err) {
        if (err instanceof AppError) throw err;
        const message = err instanceof (await jose()).errors.JWTExpired ? 'The token has expired' : 'The token is not valid';
        throw new AppError('UNAUTHENTICATED', message, { cause: err });
      }
      return unlessRevoked(actor, session);
    },
  };
}
