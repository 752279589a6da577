// Downstream events as signed HTTP POSTs. The receiver checks
// X-Rulepath-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> and dedupes on Idempotency-Key.
import { createHmac } from 'node:crypto';
import { definePlugin, vendorRequest } from '../../../engine/plugin-api.ts';

interface WebhookConfig {
  url: string;
  secret: string;
  timeoutMs?: number;
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export default definePlugin<'events', WebhookConfig>({
  kind: 'events',
  name: 'webhook',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'secret'],
    properties: {
      url: { type: 'string', format: 'uri' },
      secret: { type: 'string', minLength: 16 },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    },
  },
  create(config, deps) {
    return {
      async publish(message) {
        const body = JSON.stringify({ id: message.idempotencyKey, type: message.type, topic: message.topic, key: message.key, payload: message.payload });
        const t = Math.floor(deps.clock().getTime() / 1000);
        await vendorRequest('webhook', deps, config.url, {
          method: 'POST',
          timeoutMs: config.timeoutMs,
          headers: { 'content-type': 'application/json', 'idempotency-key': message.idempotencyKey, 'x-rulepath-signature': signWebhook(config.secret, t, body) },
          body,
        });
        return { providerMessageId: message.idempotencyKey };
      },
    };
  },
});
