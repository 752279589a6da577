import type { Request } from 'express';
import { AppError, type Actor, type Engine } from '../../engine/index.ts';
import { ACCESS_COOKIE, readCookie } from './session-cookies.ts';

/** Whether the request presents any credential (a header or the access cookie) to be verified. */
export function hasCredentials(req: Request): boolean {
  return req.headers.authorization !== undefined || (req.headers.cookie ?? '').split(';').some((part) => part.trim().startsWith(`${ACCESS_COOKIE}=`));
}

/** The JWT of an `Authorization: Bearer <jwt>` header, if it has that shape. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  return (header ? /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header.trim()) : null)?.[1];
}

/** Reads `Authorization: Bearer <jwt>` and verifies it for this app; every failure is a 401. */
export async function authenticate(engine: Engine, req: Request, appId: string): Promise<Actor> {
  // An unknown app is a 404 whoever asks: there is no audience to check a token against.
  if (!engine.registry().apps.has(appId)) throw new AppError('APP_NOT_FOUND', `Unknown app "${appId}"`);
  const header = req.headers.authorization;
  // Web clients carry the access token in an httpOnly cookie instead of a header.
  const token = bearerToken(req) ?? (header ? undefined : readCookie(req, ACCESS_COOKIE));
  if (!token) throw new AppError('UNAUTHENTICATED', header ? 'Use "Authorization: Bearer <token>"' : 'Authentication required');
  return engine.auth.verify(token, appId);
}
