// Outbox persistence. Rows are inserted in the business transaction; the dispatcher claims due
// rows with FOR UPDATE SKIP LOCKED (any number of workers, no row twice) under a lease, so a
// worker that dies mid-delivery only delays its rows until the lease runs out.
import { randomUUID } from 'node:crypto';
import type { Database, Prisma } from '../store/database.ts';
import type { OutboxRow } from './outbox-row.ts';

export interface ClaimedMessage {
  id: string;
  app: string;
  channel: 'sms' | 'email' | 'event';
  payload: Record<string, unknown>;
  idempotencyKey: string;
  attempts: number;
  maxAttempts: number;
}

export function outboxInsertData(rows: OutboxRow[], now: Date) {
  return rows.map((r) => ({
    id: randomUUID(),
    app: r.app,
    channel: r.channel,
    recordId: r.recordId,
    template: r.template,
    recipient: r.recipient,
    payload: r.payload as Prisma.InputJsonObject,
    idempotencyKey: r.idempotencyKey,
    status: r.renderError ? 'dead' : 'pending',
    lastError: r.renderError,
    nextAttemptAt: now,
    createdAt: now,
  }));
}

/** Rows in the JSON shape the transition statement's jsonb_to_recordset reads. */
export function outboxRecordset(rows: OutboxRow[], now: Date): string {
  return JSON.stringify(outboxInsertData(rows, now).map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), nextAttemptAt: r.nextAttemptAt.toISOString() })));
}

export async function claimDue(db: Database, now: Date, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
  const { rows } = await db.sql.query<{ id: string; app: string; channel: ClaimedMessage['channel']; payload: Record<string, unknown>; idempotency_key: string; attempts: number; max_attempts: number }>({
    name: 'rulepath-outbox-claim',
    text: `UPDATE outbox_messages SET locked_until = $1::timestamptz + ($3 || ' milliseconds')::interval, attempts = attempts + 1
           WHERE id IN (
             SELECT id FROM outbox_messages
             WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
             ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING id, app, channel, payload, idempotency_key, attempts, max_attempts`,
    values: [now, limit, String(leaseMs)],
  });
  return rows.map((r) => ({ id: r.id, app: r.app, channel: r.channel, payload: r.payload, idempotencyKey: r.idempotency_key, attempts: r.attempts, maxAttempts: r.max_attempts }));
}

export interface SentMessage {
  id: string;
  provider: string;
  providerMessageId: string;
  sentAt: Date;
}

/**
 * Records one delivery, right after its provider call returned: one short statement per message,
 * so a crash can re-send only the messages whose send was in flight, never a finished one.
 */
export async function markSent(db: Database, sent: SentMessage): Promise<void> {
  await db.sql.query({
    name: 'rulepath-outbox-sent',
    text: `UPDATE outbox_messages SET status = 'sent', provider = $2, provider_message_id = $3, sent_at = $4, locked_until = NULL, last_error = NULL WHERE id = $1`,
    values: [sent.id, sent.provider, sent.providerMessageId, sent.sentAt],
  });
}

export async function markRetry(db: Database, id: string, nextAttemptAt: Date, error: string): Promise<void> {
  await db.sql.query({
    name: 'rulepath-outbox-retry',
    text: `UPDATE outbox_messages SET next_attempt_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1`,
    values: [id, nextAttemptAt, error.slice(0, 2000)],
  });
}

export async function markDead(db: Database, id: string, error: string): Promise<void> {
  await db.sql.query({
    name: 'rulepath-outbox-dead',
    text: `UPDATE outbox_messages SET status = 'dead', locked_until = NULL, last_error = $2 WHERE id = $1`,
    values: [id, error.slice(0, 2000)],
  });
}
