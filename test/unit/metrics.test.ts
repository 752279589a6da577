import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../engine/support/metrics.ts';
import { parseMetrics, sample } from '../support/prometheus-text.ts';

describe('engine metrics', () => {
  it('keeps each engine’s counts in its own registry (several engines in one process), never the global one', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.transition('solarium', 'lead', 'won', 'moved');
    a.transition('solarium', 'lead', 'won', 'moved');
    b.transition('solarium', 'lead', 'won', 'refused');
    const of = async (m: typeof a) => parseMetrics((await m.expose()).body);
    expect(sample(await of(a), 'rulepath_transitions_total', { outcome: 'moved' })).toBe(2);
    expect(sample(await of(a), 'rulepath_transitions_total', { outcome: 'refused' })).toBe(0);
    expect(sample(await of(b), 'rulepath_transitions_total', { outcome: 'refused' })).toBe(1);
    expect(await globalRegistry.getSingleMetric('rulepath_transitions_total')).toBeUndefined();
  });

  it('shows a breaker’s current state as 1 and the others as 0', async () => {
    const m = createMetrics();
    m.breakerState('solarium', 'sms', 'msg91', 'closed');
    m.breakerState('solarium', 'sms', 'msg91', 'open');
    const samples = parseMetrics((await m.expose()).body);
    const state = (s: string) => sample(samples, 'rulepath_provider_breaker_state', { provider: 'msg91', state: s });
    expect([state('closed'), state('half_open'), state('open')]).toEqual([0, 0, 1]);
  });
});
