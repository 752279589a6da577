// Web clients get their tokens as httpOnly, Secure, SameSite=Strict cookies (script cannot read
// them, other sites cannot send them); mobile clients get them in the body. A client says which
// with the X-Client-Type header (web | mobile; mobile by default).
import type { Request, Response } from 'express';
import { AppError, type SessionTokens } from '../../engine/index.ts';

export const ACCESS_COOKIE = 'rp_access';
export const REFRESH_COOKIE = 'rp_refresh';

export function isWebClient(req: Request): boolean {
  return String(req.headers['x-client-type'] ?? '').toLowerCase() === 'web';
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeCookieValue(name, part.slice(i + 1).trim());
  }
  return undefined;
}

// We only ever set encodeURIComponent'd values, so one that does not decode was not ours: it is no
// credential, whichever cookie it is. The refresh cookie answers 401 too (not 400), as every other
// unusable refresh token does, so a client has one rule: 401 means sign in again.
function decodeCookieValue(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError('UNAUTHENTICATED', `The ${name} cookie is not readable; sign in again`);
  }
}

function cookie(name: string, value: string, maxAgeSeconds: number, path: string): string {
  return `${name}=${encodeURIComponent(value)}; Max-Age=${maxAgeSeconds}; Path=${path}; HttpOnly; Secure; SameSite=Strict`;
}

/** The body to send: tokens for mobile; for web, cookies carry them and the body only says who. */
export function deliverSession(req: Request, res: Response, tokens: SessionTokens, basePath: string): unknown {
  if (!isWebClient(req)) return tokens;
  res.append('Set-Cookie', cookie(ACCESS_COOKIE, tokens.accessToken, tokens.expiresIn, '/'));
  res.append('Set-Cookie', cookie(REFRESH_COOKIE, tokens.refreshToken, tokens.refreshExpiresIn, basePath));
  return { tokenType: 'Cookie', expiresIn: tokens.expiresIn, refreshExpiresIn: tokens.refreshExpiresIn, user: tokens.user };
}

export function clearSession(res: Response, basePath: string): void {
  res.append('Set-Cookie', `${ACCESS_COOKIE}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict`);
  res.append('Set-Cookie', `${REFRESH_COOKIE}=; Max-Age=0; Path=${basePath}; HttpOnly; Secure; SameSite=Strict`);
}

/** The refresh token: from the body (mobile) or the cookie (web). */
export function presentedRefreshToken(req: Request): unknown {
  const fromBody = (req.body as { refreshToken?: unknown } | undefined)?.refreshToken;
  return fromBody ?? readCookie(req, REFRESH_COOKIE);
}
