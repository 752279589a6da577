export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 15 * 60_000 };

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * min(max, base * 2^(n-1)), so retries spread out without ever retrying at once. A vendor's
 * Retry-After is a floor.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random, retryAfterMs = 0): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(retryAfterMs, Math.round(cap / 2 + random() * (cap / 2)));
}
