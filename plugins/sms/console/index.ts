// Development SMS: the message goes to the log instead of a phone.
import { definePlugin } from '../../../engine/plugin-api.ts';

export default definePlugin<'sms', Record<string, never>>({
  kind: 'sms',
  name: 'console',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  create(_config, { logger }) {
    return {
      async send(message) {
        logger.info({ channel: 'sms', to: message.to, body: message.body, idempotencyKey: message.idempotencyKey }, `SMS to ${message.to}: ${message.body}`);
        return { providerMessageId: `console-${message.idempotencyKey}` };
      },
    };
  },
});
