import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../engine/plugin-api.ts';
import { retryDelayMs } from '../../engine/notify/backoff.ts';
import { ProviderChain } from '../../engine/providers/provider-chain.ts';

const BREAKER = { errorThresholdPercentage: 50, volumeThreshold: 4, resetTimeoutMs: 30_000, rollingWindowMs: 10_000 };

function link(name: string, behaviour: () => 'ok' | 'transient' | 'permanent') {
  const calls: string[] = [];
  return {
    calls,
    link: {
      name,
      impl: {
        async send(m: string) {
          calls.push(m);
          const b = behaviour();
          if (b === 'ok') return { providerMessageId: `${name}-${m}` };
          throw new ProviderError(name, `${name} ${b}`, { transient: b === 'transient' });
        },
      },
    },
  };
}

type Sender = ReturnType<typeof link>['link']['impl'];
const deliver = (chain: ProviderChain<Sender>, m: string) => chain.run((p) => p.send(m)).then((a) => ({ provider: a.provider, providerMessageId: a.result.providerMessageId }));

describe('provider chain', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('passes over a provider that does not offer the call, without asking it or counting against its breaker', async () => {
    const a = link('pan-only', () => 'ok');
    const b = link('netcore', () => 'ok');
    const chain = new ProviderChain([a.link, b.link], BREAKER);
    const attempt = await chain.run((p) => p.send('m1'), (p) => p !== a.link.impl);
    expect(attempt.provider).toBe('netcore');
    expect(a.calls).toEqual([]);
    expect(chain.breakers.get('pan-only')!.stats.fires).toBe(0);
    const none = await chain.run((p) => p.send('m2'), () => false).catch((e: unknown) => e);
    expect(none).toMatchObject({ transient: false, vendorCode: 'NOT_OFFERED' });
    chain.shutdown();
  });

  it('falls through to the next provider on a transient failure', async () => {
    const a = link('msg91', () => 'transient');
    const b = link('netcore', () => 'ok');
    const chain = new ProviderChain([a.link, b.link], BREAKER);
    expect(await deliver(chain, 'm1')).toEqual({ provider: 'netcore', providerMessageId: 'netcore-m1' });
    chain.shutdown();
  });

  it('stops at a permanent failure: the message is wrong, not the provider', async () => {
    const a = link('msg91', () => 'permanent');
    const b = link('netcore', () => 'ok');
    const chain = new ProviderChain([a.link, b.link], BREAKER);
    await expect(deliver(chain, 'm1')).rejects.toMatchObject({ transient: false });
    expect(b.calls).toEqual([]);
    chain.shutdown();
  });

  it('opens the breaker after failures, skips the provider while open, half-opens after the reset time, closes on success', async () => {
    let healthy = false;
    const a = link('msg91', () => (healthy ? 'ok' : 'transient'));
    const b = link('netcore', () => 'ok');
    const states: string[] = []; // what the metrics are told (rulepath_provider_breaker_state)
    const chain = new ProviderChain([a.link, b.link], BREAKER, (provider, state) => provider === 'msg91' && states.push(state));
    const breaker = chain.breakers.get('msg91')!;
    for (let i = 0; i < 4; i++) await deliver(chain, `m${i}`);
    expect(breaker.opened).toBe(true);
    const callsWhenOpened = a.calls.length;
    for (let i = 4; i < 10; i++) expect((await deliver(chain, `m${i}`)).provider).toBe('netcore');
    expect(a.calls.length).toBe(callsWhenOpened); // open: not even asked

    healthy = true;
    await vi.advanceTimersByTimeAsync(30_001);
    expect(breaker.halfOpen).toBe(true);
    expect((await deliver(chain, 'trial')).provider).toBe('msg91'); // the trial call goes through
    expect(breaker.closed).toBe(true);
    expect(states).toEqual(['closed', 'open', 'half_open', 'closed']);
    chain.shutdown();
  });

  it('runs any call of any provider kind and hands back its own result (a PAN check, not a message)', async () => {
    const flaky = { async verifyPan(pan: string): Promise<{ valid: boolean; name: string }> { throw new ProviderError('karza', `down for ${pan}`, { transient: true }); } };
    const steady = { async verifyPan(pan: string) { return { valid: pan.length === 10, name: 'JOHN DOE' }; } };
    const chain = new ProviderChain([{ name: 'karza', impl: flaky }, { name: 'signzy', impl: steady }], BREAKER);
    expect(await chain.run((p) => p.verifyPan('ABCDE1234F'))).toEqual({ provider: 'signzy', result: { valid: true, name: 'JOHN DOE' } });
    chain.shutdown();
  });

  it('does not count permanent failures against a provider', async () => {
    const a = link('msg91', () => 'permanent');
    const chain = new ProviderChain([a.link], BREAKER);
    for (let i = 0; i < 10; i++) await deliver(chain, `m${i}`).catch(() => undefined);
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
