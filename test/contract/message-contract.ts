// The contract every sms, email and events provider keeps, whatever the vendor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type SendResult } from '../../engine/plugin-api.ts';
import type { Harness } from './provider-harness.ts';

export interface MessageKit<P, M extends { idempotencyKey: string }, D> {
  kind: string;
  sample(n: number): M;
  send(provider: P, message: M): Promise<SendResult>;
  /** The delivered item the vendor saw for this message (to / body / key as the vendor spells them). */
  matches(delivered: D, message: M): boolean;
  /** A message the vendor itself refuses (bad number, bad address), if the vendor validates. */
  refused?: M;
}

/** `vendorClient`: the provider calls a vendor over HTTP, so failures can be scripted at the fake. */
export function describeMessageContract<P, M extends { idempotencyKey: string }, D>(name: string, kit: MessageKit<P, M, D>, setup: () => Promise<Harness<P, D>>, options: { vendorClient: boolean }) {
  describe(`${kit.kind} provider ${name} (contract)`, () => {
    let h: Harness<P, D>;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('delivers a message and returns the vendor message id', async () => {
      const message = kit.sample(1);
      const result = await kit.send(h.provider, message);
      expect(result.providerMessageId).toEqual(expect.any(String));
      expect(result.providerMessageId.length).toBeGreaterThan(0);
      expect(h.delivered().some((d) => kit.matches(d, message))).toBe(true);
    });

    it('hands the vendor the message idempotency key, where its API has a place for one', async (ctx) => {
      if (!h.keyOf) return ctx.skip();
      const message = kit.sample(6);
      await kit.send(h.provider, message);
      const delivered = h.delivered().filter((d) => kit.matches(d, message));
      expect(delivered).toHaveLength(1);
      expect(h.keyOf(delivered[0]!)).toBe(message.idempotencyKey);
    });

    if (kit.refused) {
      it('turns a vendor refusal into a permanent ProviderError', async () => {
        const err = await kit.send(h.provider, kit.refused!).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ProviderError);
        expect((err as ProviderError).transient).toBe(false);
      });
    }

    const vendor = (title: string, fn: () => Promise<void>) => (options.vendorClient ? it(title, fn) : undefined);

    vendor('turns 429 into a transient ProviderError carrying Retry-After', async () => {
      h.script!({ status: 429, body: '{"errors":[{"message":"Too many requests"}]}', headers: { 'retry-after': '7' } });
      const err = (await kit.send(h.provider, kit.sample(2)).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(true);
      expect(err.retryAfterMs).toBe(7000);
    });

    vendor('turns 5xx into a transient ProviderError', async () => {
      h.script!({ status: 503, body: 'upstream down' });
      const err = (await kit.send(h.provider, kit.sample(3)).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(true);
    });

    vendor('turns a 4xx (bad credentials) into a permanent ProviderError', async () => {
      h.script!({ status: 401, body: '{"message":"unauthorised"}' });
      const err = (await kit.send(h.provider, kit.sample(4)).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(false);
    });

    vendor('gives up on a slow vendor after its timeout with a transient ProviderError', async () => {
      h.script!({ delayMs: (h.timeoutMs ?? 1000) + 500 });
      const started = Date.now();
      const err = (await kit.send(h.provider, kit.sample(5)).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(true);
      expect(Date.now() - started).toBeLessThan((h.timeoutMs ?? 1000) + 2000);
    });
  });
}
