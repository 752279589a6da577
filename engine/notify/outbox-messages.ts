// Turns notify / emit effects into outbox rows, rendered now (the record as it is at the change)
// and delivered later. The idempotency key is derived from the change itself, so the same
// change can never yield two messages, however often anything is retried.
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { Effect } from '../registry/definition-types.ts';
import type { Logger } from '../support/logger.ts';
import { resolveValue, type EffectContext } from '../workflow/resolve-effects.ts';

export type OutboxChannel = 'sms' | 'email' | 'event';

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

export interface MessageContext extends EffectContext {
  app: { id: string; name: string };
  otp?: { code: string; validMinutes: number };
}

export function outboxRowsFor(app: CompiledApp, effects: readonly Effect[], ctx: MessageContext, source: { recordId: string | null; key: string }, logger: Logger): OutboxRow[] {
  const rows: OutboxRow[] = [];
  effects.forEach((effect, i) => {
    if ('notify' in effect) {
      const template = app.templates.get(effect.notify.template)!;
      const to = resolveValue(effect.notify.to, ctx);
      // "email when the profile has one": a notify to an absent address is not a message.
      if (typeof to !== 'string' || to === '') return logger.debug({ template: template.name }, 'notify skipped: no recipient');
      const base = { app: app.id, channel: template.channel, recordId: source.recordId, template: template.name, recipient: to, idempotencyKey: `${source.key}:${i}:${template.channel}` } as const;
      try {
        const out = template.render(ctx);
        const payload = template.channel === 'sms' ? { to, body: out.text } : { to, subject: out.subject, text: out.text, html: out.html };
        rows.push({ ...base, payload });
      } catch (err) {
        rows.push({ ...base, payload: { to }, renderError: `Template "${template.name}" could not be rendered: ${(err as Error).message}` });
      }
    } else if ('emit' in effect) {
      const payload = effect.emit.payload
        ? Object.fromEntries(Object.entries(effect.emit.payload).map(([k, v]) => [k, resolveValue(v, ctx) ?? null]))
        : { id: source.recordId, state: ctx.record.status ?? null };
      for (const topic of effect.emit.topics) {
        rows.push({
          app: app.id,
          channel: 'event',
          recordId: source.recordId,
          template: null,
          recipient: topic,
          payload: { topic, type: effect.emit.event, key: source.recordId ?? source.key, payload },
          idempotencyKey: `${source.key}:${i}:${topic}`,
        });
      }
    }
  });
  return rows;
}
