// One kind's providers in order (e.g. msg91 then netcore), each behind its own circuit breaker,
// whatever the call and its result (send an SMS, publish an event, verify a PAN). A transient
// failure or an open breaker passes the call to the next provider; a permanent failure is about the
// request itself (a bad number), so it stops the chain.
import CircuitBreaker from 'opossum';
import { ProviderError } from '../plugin-api.ts';

export interface ChainLink<Impl> {
  name: string;
  impl: Impl;
}

export interface BreakerOptions {
  /** Failure percentage over the rolling window that opens the breaker. */
  errorThresholdPercentage: number;
  /** Calls needed in the window before the percentage counts. */
  volumeThreshold: number;
  /** How long an open breaker waits before letting one trial call through (half-open). */
  resetTimeoutMs: number;
  rollingWindowMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeoutMs: 30_000, rollingWindowMs: 10_000 };

/** Told each breaker's state: at once (closed) and at every change. */
export type BreakerWatcher = (provider: string, state: 'closed' | 'half_open' | 'open') => void;

/** Which provider answered, and what. */
export interface Attempt<R> {
  provider: string;
  result: R;
}

type Call<Impl> = (impl: Impl) => Promise<unknown>;

export class ProviderChain<Impl> {
  readonly breakers: ReadonlyMap<string, CircuitBreaker<[Call<Impl>], unknown>>;
  private readonly links: ChainLink<Impl>[];

  constructor(links: ChainLink<Impl>[], options: BreakerOptions = DEFAULT_BREAKER, watch?: BreakerWatcher) {
    if (!links.length) throw new Error('A provider chain needs at least one provider');
    this.links = links;
    this.breakers = new Map(
      links.map((link) => [
        link.name,
        new CircuitBreaker((call: Call<Impl>) => call(link.impl), {
          timeout: false, // providers enforce their own timeouts and report them as transient
          errorThresholdPercentage: options.errorThresholdPercentage,
          volumeThreshold: options.volumeThreshold,
          resetTimeout: options.resetTimeoutMs,
          rollingCountTimeout: options.rollingWindowMs,
          // A permanent error is the request's fault, not the provider's health.
          errorFilter: (err: unknown) => err instanceof ProviderError && !err.transient,
        }),
      ]),
    );
    if (watch) {
      for (const [name, breaker] of this.breakers) {
        watch(name, 'closed');
        breaker.on('open', () => watch(name, 'open'));
        breaker.on('halfOpen', () => watch(name, 'half_open'));
        breaker.on('close', () => watch(name, 'closed'));
      }
    }
  }

  /**
   * Runs `call` on the first provider that takes it. `offers`: whether a provider offers the call
   * at all (a verification vendor that checks PANs but not bank accounts); one that does not is
   * passed over without asking it, and without counting against its breaker.
   */
  async run<R>(call: (impl: Impl) => Promise<R>, offers: (impl: Impl) => boolean = () => true): Promise<Attempt<R>> {
    let last: unknown;
    const offering = this.links.filter((link) => offers(link.impl));
    if (!offering.length) throw new ProviderError(this.links.map((l) => l.name).join('>'), 'No provider of the chain offers this call', { transient: false, vendorCode: 'NOT_OFFERED' });
    for (const link of offering) {
      const breaker = this.breakers.get(link.name)!;
      try {
        return { provider: link.name, result: (await breaker.fire(call)) as R };
      } catch (err) {
        if (err instanceof ProviderError && !err.transient) throw err;
        last = err;
      }
    }
    if (last instanceof ProviderError) throw last;
    throw new ProviderError(this.links.map((l) => l.name).join('>'), `No provider could take the call: ${(last as Error)?.message ?? 'all breakers open'}`, { transient: true, cause: last });
  }

  /** Whether some provider of the chain offers a call (the same test `run` passes over the others by). */
  offers(offer: (impl: Impl) => boolean): boolean {
    return this.links.some((link) => offer(link.impl));
  }

  shutdown(): void {
    for (const b of this.breakers.values()) b.shutdown();
  }
}
