// MSG91 SMS through its Flow API (POST /api/v5/flow/, `authkey` header). The text is rendered by
// Rulepath and passed as the flow variable named in `bodyVariable` of a DLT-approved template.
// MSG91 documents no idempotency key and no de-duplication: the message's key travels as a recipient
// variable `CRQID`, named after the custom request id of MSG91's delivery reports, for reconciliation.
import { definePlugin, ProviderError, vendorRequest } from '../../../engine/plugin-api.ts';

interface Msg91Config {
  authKey: string;
  templateId: string;
  bodyVariable?: string;
  countryCode?: string;
  baseUrl?: string;
  timeoutMs?: number;
}

interface Msg91Reply {
  type?: string;
  message?: string;
}

/** MSG91 answers 200 with { type: "error" } for refusals: translated once, here. */
function toResult(reply: Msg91Reply) {
  if (reply.type === 'success' && reply.message) return { providerMessageId: reply.message };
  throw new ProviderError('msg91', `msg91 refused the message: ${reply.message ?? 'no reason given'}`, { transient: false, vendorCode: reply.type });
}

export default definePlugin<'sms', Msg91Config>({
  kind: 'sms',
  name: 'msg91',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['authKey', 'templateId'],
    properties: {
      authKey: { type: 'string', minLength: 8 },
      templateId: { type: 'string', minLength: 1 },
      bodyVariable: { type: 'string', default: 'body' },
      countryCode: { type: 'string', pattern: '^[0-9]{1,3}$' },
      baseUrl: { type: 'string', format: 'uri' },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    },
  },
  create(config, deps) {
    const base = (config.baseUrl ?? 'https://control.msg91.com').replace(/\/$/, '');
    return {
      async send(message) {
        const res = await vendorRequest('msg91', deps, `${base}/api/v5/flow/`, {
          method: 'POST',
          timeoutMs: config.timeoutMs,
          headers: { authkey: config.authKey, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            template_id: config.templateId,
            short_url: '0',
            recipients: [{ mobiles: `${config.countryCode ?? '91'}${message.to}`, [config.bodyVariable ?? 'body']: message.body, CRQID: message.idempotencyKey }],
          }),
        });
        return toResult((await res.json().catch(() => ({}))) as Msg91Reply);
      },
    };
  },
});
