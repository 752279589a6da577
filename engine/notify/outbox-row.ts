export type OutboxChannel = 'sms' | 'email' | 'event';

/**
 * A message as written to the outbox with the change it is about: rendered then (the record as
 * it is at the change), delivered later. Its idempotency key is derived from the change itself,
 * so the same change can never yield two messages, however often anything is retried.
 */
export interface OutboxRow {
  app: string;
  channel: OutboxChannel;
  recordId: string | null;
  template: string | null;
  recipient: string;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  /** Set when the message could not even be rendered: it is stored dead, for an admin to see. */
  renderError?: string;
}
