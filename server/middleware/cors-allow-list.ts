// A web client on another origin (CORS_ORIGINS): its origin, and only its, is echoed back; a
// request from any other origin gets no CORS headers, so the browser keeps its answer from the page.
import cors from 'cors';
import type { RequestHandler } from 'express';

/** Headers a browser client may read besides the simple ones (trace ids, caching, paging, retries). */
// X-Session-Token: a web app on another origin must read the record session its calls answer.
const EXPOSED = ['X-Request-Id', 'ETag', 'Location', 'Allow', 'Retry-After', 'Content-Disposition', 'X-Session-Token', 'X-Session-Expires-In'];

export function corsAllowList(origins: readonly string[]): RequestHandler | undefined {
  if (!origins.length) return undefined;
  const allowed = new Set(origins);
  return cors({
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    // Bearer tokens in headers, or the session cookie of a sign-in made from that origin.
    credentials: true,
    exposedHeaders: EXPOSED,
    maxAge: 600,
  });
}
