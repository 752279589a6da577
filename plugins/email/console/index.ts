// Development email: the message goes to the log instead of a mailbox.
import { definePlugin } from '../../../engine/plugin-api.ts';

export default definePlugin<'email', Record<string, never>>({
  kind: 'email',
  name: 'console',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  create(_config, { logger }) {
    return {
      async send(message) {
        logger.info({ channel: 'email', to: message.to, subject: message.subject, text: message.text, idempotencyKey: message.idempotencyKey }, `Email to ${message.to}: ${message.subject}`);
        return { providerMessageId: `console-${message.idempotencyKey}` };
      },
    };
  },
});
