import type { CompiledApp, Registry } from '../registry/compiled-app.ts';
import { ProviderError, type SendResult } from '../plugin-api.ts';
import type { Database } from '../store/database.ts';
import type { Logger } from '../support/logger.ts';
import type { Metrics } from '../support/metrics.ts';
import type { AppProviders } from '../providers/app-providers.ts';
import type { Attempt } from '../providers/provider-chain.ts';
import { OUTBOX_CHANNELS } from './outbox-channels.ts';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff.ts';
import { claimDue, markDead, markRetry, markSent, type ClaimedMessage } from './outbox-store.ts';

export interface DispatcherOptions {
  db: Database;
  registry: () => Registry;
  providers: (app: CompiledApp) => AppProviders;
  clock: () => Date;
  logger: Logger;
  backoff?: BackoffPolicy;
  batchSize?: number;
  /** Messages in flight at once per pass. */
  concurrency?: number;
  leaseMs?: number;
  metrics?: Metrics;
}

export interface PassResult {
  sent: number;
  retried: number;
  dead: number;
}

/**
 * Delivers due outbox rows: claim a batch, send each through its app's provider chain, record
 * each outcome as soon as it is known, repeat until nothing is due. Run by the Agenda job and
 * woken right after a commit. At-least-once: a crash re-sends, under the same idempotency key,
 * only the messages whose send was in flight (at most `concurrency` per process).
 */
export function createOutboxDispatcher(options: DispatcherOptions) {
  const { db, clock, logger } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 16;
  const leaseMs = options.leaseMs ?? 60_000;
  let running: Promise<PassResult> | undefined;
  let again = false;

  /** Sends one claimed message and records the outcome; throws only when the record cannot be written. */
  async function deliver(message: ClaimedMessage, totals: PassResult): Promise<void> {
    const app = options.registry().apps.get(message.app);
    let attempt: Attempt<SendResult>;
    const startedAt = process.hrtime.bigint();
    try {
      if (!app) throw new ProviderError('outbox', `App "${message.app}" is not loaded`, { transient: true });
      const channel = Object.hasOwn(OUTBOX_CHANNELS, message.channel) ? OUTBOX_CHANNELS[message.channel as keyof typeof OUTBOX_CHANNELS] : undefined;
      if (!channel) throw new ProviderError('outbox', `No channel "${message.channel}"`, { transient: false });
      attempt = await channel(options.providers(app), { ...(message.payload as object), idempotencyKey: message.idempotencyKey });
    } catch (err) {
      const transient = !(err instanceof ProviderError) || err.transient;
      const reason = (err as Error).message;
      if (transient && message.attempts < message.maxAttempts) {
        const delay = retryDelayMs(message.attempts, backoff, Math.random, err instanceof ProviderError ? err.retryAfterMs : 0);
        await markRetry(db, message.id, new Date(clock().getTime() + delay), reason);
        totals.retried++;
        options.metrics?.outboxDeliverySince(message.channel, err instanceof ProviderError ? err.vendor : undefined, 'retried', startedAt);
      } else {
        await markDead(db, message.id, reason);
        totals.dead++;
        options.metrics?.outboxDeliverySince(message.channel, err instanceof ProviderError ? err.vendor : undefined, 'dead', startedAt);
        logger.warn({ outboxId: message.id, channel: message.channel, attempts: message.attempts, reason }, 'message moved to the dead letter');
      }
      return;
    }
    // Outside the try: a sent message whose mark fails must not be retried as if its send had failed.
    await markSent(db, { id: message.id, provider: attempt.provider, providerMessageId: attempt.result.providerMessageId, sentAt: clock() });
    totals.sent++;
    options.metrics?.outboxDeliverySince(message.channel, attempt.provider, 'sent', startedAt);
  }

  async function pass(): Promise<PassResult> {
    const totals: PassResult = { sent: 0, retried: 0, dead: 0 };
    for (;;) {
      const batch = await claimDue(db, clock(), batchSize, leaseMs);
      if (!batch.length) return totals;
      let next = 0;
      let failed: { err: unknown } | undefined;
      // `concurrency` workers share the batch; each marks its message before taking the next, so
      // at most `concurrency` sends are ever unrecorded. When the database cannot take a record,
      // no further message is sent (it could not be recorded either): the rest wait out their lease.
      await Promise.all(
        Array.from({ length: Math.min(concurrency, batch.length) }, async () => {
          while (!failed && next < batch.length) {
            try {
              await deliver(batch[next++]!, totals);
            } catch (err) {
              failed ??= { err };
            }
          }
        }),
      );
      if (failed) throw failed.err;
    }
  }

  return {
    /** One pass until nothing is due; concurrent calls share the pass and ask for one more. */
    async runOnce(): Promise<PassResult> {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        const total: PassResult = { sent: 0, retried: 0, dead: 0 };
        do {
          again = false;
          const r = await pass();
          total.sent += r.sent;
          total.retried += r.retried;
          total.dead += r.dead;
        } while (again);
        return total;
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
    /** Fire-and-forget pass right after a commit wrote outbox rows (the Agenda job is the safety net). */
    wake(): void {
      this.runOnce().catch((err: unknown) => logger.error({ err }, 'outbox pass failed'));
    },
    idle(): Promise<unknown> {
      return running ?? Promise.resolve();
    },
  };
}

export type OutboxDispatcher = ReturnType<typeof createOutboxDispatcher>;
