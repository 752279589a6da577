// A channel's providers in order (e.g. msg91 then netcore), each behind its own circuit breaker.
// A transient failure or an open breaker passes the message to the next provider; a permanent
// failure is about the message itself (a bad number), so it stops the chain.
import CircuitBreaker from 'opossum';
import { ProviderError, type SendResult } from '../plugin-api.ts';

export interface ChainLink<P> {
  name: string;
  send(payload: P): Promise<SendResult>;
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

export interface Delivery {
  provider: string;
  providerMessageId: string;
}

export class ProviderChain<P> {
  readonly breakers: ReadonlyMap<string, CircuitBreaker<[P], SendResult>>;
  private readonly links: ChainLink<P>[];

  constructor(links: ChainLink<P>[], options: BreakerOptions = DEFAULT_BREAKER) {
    if (!links.length) throw new Error('A provider chain needs at least one provider');
    this.links = links;
    this.breakers = new Map(
      links.map((link) => [
        link.name,
        new CircuitBreaker((payload: P) => link.send(payload), {
          timeout: false, // providers enforce their own timeouts and report them as transient
          errorThresholdPercentage: options.errorThresholdPercentage,
          volumeThreshold: options.volumeThreshold,
          resetTimeout: options.resetTimeoutMs,
          rollingCountTimeout: options.rollingWindowMs,
          // A permanent error is the message's fault, not the provider's health.
          errorFilter: (err: unknown) => err instanceof ProviderError && !err.transient,
        }),
      ]),
    );
  }

  async deliver(payload: P): Promise<Delivery> {
    let last: unknown;
    for (const link of this.links) {
      const breaker = this.breakers.get(link.name)!;
      try {
        const result = await breaker.fire(payload);
        return { provider: link.name, providerMessageId: result.providerMessageId };
      } catch (err) {
        if (err instanceof ProviderError && !err.transient) throw err;
        last = err;
      }
    }
    if (last instanceof ProviderError) throw last;
    throw new ProviderError(this.links.map((l) => l.name).join('>'), `No provider could take the message: ${(last as Error)?.message ?? 'all breakers open'}`, { transient: true, cause: last });
  }

  shutdown(): void {
    for (const b of this.breakers.values()) b.shutdown();
  }
}
