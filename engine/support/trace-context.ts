// The trace id of the request being served, wherever the code runs on its behalf: set once by the
// server around each request and read by the logger's mixin, so every line logged while serving
// it (the engine's as well as the HTTP layer's) carries the id its error body quotes.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<{ traceId: string }>();

/** Runs `fn` (and everything it starts) as part of the request `traceId`. */
export function runWithTraceId<T>(traceId: string, fn: () => T): T {
  return current.run({ traceId }, fn);
}

/** The trace id of the request this code runs for; undefined outside a request (jobs, start-up). */
export function currentTraceId(): string | undefined {
  return current.getStore()?.traceId;
}
