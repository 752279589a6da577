import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../engine/plugin-api.ts';
import { retryDelayMs } from '../../engine/notify/backoff.ts';
import { ProviderChain } from '../../engine/notify/provider-chain.ts';

const BREAKER = { errorThresholdPercentage: 50, volumeThreshold: 4, resetTimeoutMs: 30_000, rollingWindowMs: 10_000 };

function link(name: string, behaviour: () => 'ok' | 'transient' | 'permanent') {
  const calls: string[] = [];
  return {
    calls,
    link: {
      name,
      async send(m: string) {
        calls.push(m);
        const b = behaviour();
        if (b === 'ok') return { providerMessageId: `${name}-${m}` };
        throw new ProviderError(name, `${name} ${b}`, { transient: b === 'transient' });
      },
    },
  };
}

describe('provider chain', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('falls through to the next provider on a transient failure', async () => {
    const a = link('msg91', () => 'transient');
    const b = link('netcore', () => 'ok');
    const chain = new ProviderChain([a.link, b.link], BREAKER);
    expect(await chain.deliver('m1')).toEqual({ provider: 'netcore', providerMessageId: 'netcore-m1' });
    chain.shutdown();
  });

  it('stops at a permanent failure: the message is wrong, not the provider', async () => {
    const a = link('msg91', () => 'permanent');
    const b = link('netcore', () => 'ok');
    const chain = new ProviderChain([a.link, b.link], BREAKER);
    await expect(chain.deliver('m1')).rejects.toMatchObject({ transient: false });
    expect(b.calls).toEqual([]);
    chain.shutdown();
  });

  it('opens the breaker after failures, skips the provider while open, half-opens after the reset time, closes on success', async () => {
    let healthy = false;
    const a = link('msg91', () => (healthy ? 'ok' : 'transient'));
    const b = link('netcore', () => 'ok');
    const chain = new ProviderChain([a.link, b.link], BREAKER);
    const breaker = chain.breakers.get('msg91')!;
    for (let i = 0; i < 4; i++) await chain.deliver(`m${i}`);
    expect(breaker.opened).toBe(true);
    const callsWhenOpened = a.calls.length;
    for (let i = 4; i < 10; i++) expect((await chain.deliver(`m${i}`)).provider).toBe('netcore');
    expect(a.calls.length).toBe(callsWhenOpened); // open: not even asked

    healthy = true;
    await vi.advanceTimersByTimeAsync(30_001);
    expect(breaker.halfOpen).toBe(true);
    expect((await chain.deliver('trial')).provider).toBe('msg91'); // the trial call goes through
    expect(breaker.closed).toBe(true);
    chain.shutdown();
  });

  it('does not count permanent failures against a provider', async () => {
    const a = link('msg91', () => 'permanent');
    const chain = new ProviderChain([a.link], BREAKER);
    for (let i = 0; i < 10; i++) await chain.deliver(`m${i}`).catch(() => undefined);
    expect(chain.breakers.get('msg91')!.closed).toBe(true);
    chain.shutdown();
  });
});

describe('retry backoff', () => {
  const policy = { baseMs: 2000, maxMs: 60_000 };
  it('doubles the window per attempt, waits at least half of it, and caps it', () => {
    for (const [attempt, cap] of [[1, 2000], [2, 4000], [3, 8000], [6, 60_000], [20, 60_000]] as const) {
      expect(retryDelayMs(attempt, policy, () => 0)).toBe(cap / 2);
      expect(retryDelayMs(attempt, policy, () => 0.999999)).toBeLessThanOrEqual(cap);
      expect(retryDelayMs(attempt, policy, () => 0.999999)).toBeGreaterThan(cap * 0.99);
    }
  });
  it('never retries before a Retry-After the vendor asked for', () => {
    expect(retryDelayMs(1, policy, () => 0, 45_000)).toBe(45_000);
  });
});
