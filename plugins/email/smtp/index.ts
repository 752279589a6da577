// Any SMTP server through nodemailer. The Message-ID is derived from the idempotency key, so a
// resend after an ambiguous failure is recognisably the same message to the receiving side.
import type { Transporter } from 'nodemailer';
import { definePlugin, ProviderError } from '../../../engine/plugin-api.ts';

interface SmtpConfig {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  pass?: string;
  from: string;
  timeoutMs?: number;
}

/** SMTP replies: 4xx is "try again later", 5xx is final; a broken connection is transient. */
function toProviderError(err: unknown): ProviderError {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const transient = e.responseCode === undefined ? true : e.responseCode < 500;
  return new ProviderError('smtp', `smtp: ${e.message ?? 'send failed'}`, { transient, vendorCode: e.responseCode ? String(e.responseCode) : e.code, cause: err });
}

export default definePlugin<'email', SmtpConfig>({
  kind: 'email',
  name: 'smtp',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'port', 'from'],
    properties: {
      host: { type: 'string', minLength: 1 },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      secure: { type: 'boolean' },
      user: { type: 'string' },
      pass: { type: 'string' },
      from: { type: 'string', minLength: 3 },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    },
  },
  create(config) {
    const timeout = config.timeoutMs ?? 10_000;
    // nodemailer (~13 MB resident) is loaded by the first send, not by every server that has this plugin.
    let transport: Promise<Transporter> | undefined;
    const transporter = () =>
      (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
        nodemailer.createTransport({
          host: config.host,
          port: config.port,
          secure: config.secure ?? false,
          auth: config.user ? { user: config.user, pass: config.pass ?? '' } : undefined,
          connectionTimeout: timeout,
          greetingTimeout: timeout,
          socketTimeout: timeout,
        }),
      ));
    return {
      async send(message) {
        try {
          const info = await (await transporter()).sendMail({
            from: config.from,
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
            messageId: `<${message.idempotencyKey}@rulepath>`,
            headers: { 'X-Idempotency-Key': message.idempotencyKey },
          });
          return { providerMessageId: info.messageId };
        } catch (err) {
          throw toProviderError(err);
        }
      },
    };
  },
});
