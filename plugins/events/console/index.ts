// Development events: downstream events go to the log instead of Kafka or a webhook.
import { definePlugin } from '../../../engine/plugin-api.ts';

export default definePlugin<'events', Record<string, never>>({
  kind: 'events',
  name: 'console',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  create(_config, { logger }) {
    return {
      async publish(message) {
        logger.info({ channel: 'event', topic: message.topic, type: message.type, key: message.key, payload: message.payload, idempotencyKey: message.idempotencyKey }, `Event ${message.type} -> ${message.topic}`);
        return { providerMessageId: `console-${message.idempotencyKey}` };
      },
    };
  },
});
