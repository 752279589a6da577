// SendGrid v3 Mail Send (POST /v3/mail/send, Bearer key). 202 means accepted; the message id
// comes back in X-Message-Id. The idempotency key travels as a custom arg for reconciliation.
import { definePlugin, ProviderError, vendorRequest } from '../../../engine/plugin-api.ts';

interface SendgridConfig {
  apiKey: string;
  from: string;
  fromName?: string;
  baseUrl?: string;
  timeoutMs?: number;
}

export default definePlugin<'email', SendgridConfig>({
  kind: 'email',
  name: 'sendgrid',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['apiKey', 'from'],
    properties: {
      apiKey: { type: 'string', minLength: 8 },
      from: { type: 'string', format: 'email' },
      fromName: { type: 'string' },
      baseUrl: { type: 'string', format: 'uri' },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    },
  },
  create(config, deps) {
    const base = (config.baseUrl ?? 'https://api.sendgrid.com').replace(/\/$/, '');
    return {
      async send(message) {
        const content = [{ type: 'text/plain', value: message.text }];
        if (message.html) content.push({ type: 'text/html', value: message.html });
        const res = await vendorRequest('sendgrid', deps, `${base}/v3/mail/send`, {
          method: 'POST',
          timeoutMs: config.timeoutMs,
          headers: { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            personalizations: [{ to: [{ email: message.to }], custom_args: { idempotency_key: message.idempotencyKey } }],
            from: { email: config.from, ...(config.fromName ? { name: config.fromName } : {}) },
            subject: message.subject,
            content,
          }),
        });
        const id = res.headers.get('x-message-id');
        if (!id) throw new ProviderError('sendgrid', 'sendgrid accepted the message without an X-Message-Id', { transient: false });
        return { providerMessageId: id };
      },
    };
  },
});
