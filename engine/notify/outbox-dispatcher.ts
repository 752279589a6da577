import type { CompiledApp, Registry } from '../registry/compiled-app.ts';
import { ProviderError } from '../plugin-api.ts';
import type { Database } from '../store/database.ts';
import type { Logger } from '../support/logger.ts';
import type { AppProviders } from '../providers/app-providers.ts';
import { OUTBOX_CHANNELS } from './outbox-channels.ts';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff.ts';
import { claimDue, markDead, markRetry, markSent, type ClaimedMessage, type SentMessage } from './outbox-store.ts';

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
}

export interface PassResult {
  sent: number;
  retried: number;
  dead: number;
}

/**
 * Delivers due outbox rows: claim a batch, send each through its app's provider chain, record the
 * outcome, repeat until nothing is due. Run by the Agenda job and woken right after a commit.
 */
export function createOutboxDispatcher(options: DispatcherOptions) {
  const { db, clock, logger } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 16;
  const leaseMs = options.leaseMs ?? 60_000;
  let running: Promise<PassResult> | undefined;
  let again = false;

  async function deliver(message: ClaimedMessage, totals: PassResult, sent: SentMessage[]): Promise<void> {
    const app = options.registry().apps.get(message.app);
    try {
      if (!app) throw new ProviderError('outbox', `App "${message.app}" is not loaded`, { transient: true });
      const channel = Object.hasOwn(OUTBOX_CHANNELS, message.channel) ? OUTBOX_CHANNELS[message.channel as keyof typeof OUTBOX_CHANNELS] : undefined;
      if (!channel) throw new ProviderError('outbox', `No channel "${message.channel}"`, { transient: false });
      const attempt = await channel(options.providers(app), { ...(message.payload as object), idempotencyKey: message.idempotencyKey });
      // Written with the rest of the batch; a crash before that re-sends under the same idempotency key.
      sent.push({ id: message.id, provider: attempt.provider, providerMessageId: attempt.result.providerMessageId, sentAt: clock() });
      totals.sent++;
    } catch (err) {
      const transient = !(err instanceof ProviderError) || err.transient;
      const reason = (err as Error).message;
      if (transient && message.attempts < message.maxAttempts) {
        const delay = retryDelayMs(message.attempts, backoff, Math.random, err instanceof ProviderError ? err.retryAfterMs : 0);
        await markRetry(db, message.id, new Date(clock().getTime() + delay), reason);
        totals.retried++;
      } else {
        await markDead(db, message.id, reason);
        totals.dead++;
        logger.warn({ outboxId: message.id, channel: message.channel, attempts: message.attempts, reason }, 'message moved to the dead letter');
      }
    }
  }

  async function pass(): Promise<PassResult> {
    const totals: PassResult = { sent: 0, retried: 0, dead: 0 };
    for (;;) {
      const batch = await claimDue(db, clock(), batchSize, leaseMs);
      if (!batch.length) return totals;
      let next = 0;
      const sent: SentMessage[] = [];
      await Promise.all(
        Array.from({ length: Math.min(concurrency, batch.length) }, async () => {
          while (next < batch.length) await deliver(batch[next++]!, totals, sent);
        }),
      );
      await markSent(db, sent);
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
