import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { AppError } from '../errors/app-error.ts';
import type { Actor } from './actor.ts';

export const TOKEN_ISSUER = 'rulepath';
const ALGORITHM = 'HS256';

export interface AccessTokens {
  issue(actor: Actor, minutes: number): Promise<{ accessToken: string; expiresIn: number }>;
  /** Verifies signature, algorithm, issuer, audience (the app) and expiry; any failure is a 401. */
  verify(token: string, app: string): Promise<Actor>;
}

export function createAccessTokens(secret: Uint8Array, clock: () => Date = () => new Date()): AccessTokens {
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);
  return {
    async issue(actor, minutes) {
      const now = nowSeconds();
      const accessToken = await new SignJWT({ app: actor.app, role: actor.role, email: actor.email, phone: actor.phone })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(actor.id)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(actor.app)
        .setIssuedAt(now)
        .setExpirationTime(now + minutes * 60)
        .sign(secret);
      return { accessToken, expiresIn: minutes * 60 };
    },
    async verify(token, app) {
      try {
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
        return {
          id: payload.sub,
          app,
          role: payload.role,
          email: typeof payload.email === 'string' ? payload.email : undefined,
          phone: typeof payload.phone === 'string' ? payload.phone : undefined,
        };
      } catch (err) {
        if (err instanceof AppError) throw err;
        const message = err instanceof joseErrors.JWTExpired ? 'The token has expired' : 'The token is not valid';
        throw new AppError('UNAUTHENTICATED', message, { cause: err });
      }
    },
  };
}
