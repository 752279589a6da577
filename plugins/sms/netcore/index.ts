// Netcore bulk SMS through its HTTP API (BulkSms/SingleMsgApi: feedid, username, password, To,
// Text, senderid), posted as a form so credentials stay out of URLs and logs. It answers XML.
// SingleMsgApi documents no idempotency key or client reference and does not de-duplicate, so the
// message's key is not sent (an undocumented field could be refused); its TID is kept instead.
import { definePlugin, ProviderError, vendorRequest } from '../../../engine/plugin-api.ts';

interface NetcoreConfig {
  feedId: string;
  username: string;
  password: string;
  senderId?: string;
  baseUrl?: string;
  timeoutMs?: number;
}

// Netcore error codes that a retry can fix (throughput / server side); the rest are permanent.
const TRANSIENT_CODES = new Set(['111', '112', '113', '999']);

/** The one place Netcore's XML is read: <MID TID="..."> on success, <ERROR><CODE>/<DESC> on refusal. */
function toResult(xml: string) {
  const tid = /<MID\b[^>]*\bTID="([^"]+)"/i.exec(xml)?.[1];
  if (tid) return { providerMessageId: tid };
  const code = /<CODE>([^<]*)<\/CODE>/i.exec(xml)?.[1]?.trim() ?? 'unknown';
  const desc = /<DESC>([^<]*)<\/DESC>/i.exec(xml)?.[1]?.trim() ?? xml.slice(0, 200);
  throw new ProviderError('netcore', `netcore refused the message (${code}): ${desc}`, { transient: TRANSIENT_CODES.has(code), vendorCode: code });
}

export default definePlugin<'sms', NetcoreConfig>({
  kind: 'sms',
  name: 'netcore',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['feedId', 'username', 'password'],
    properties: {
      feedId: { type: 'string', minLength: 1 },
      username: { type: 'string', minLength: 1 },
      password: { type: 'string', minLength: 1 },
      senderId: { type: 'string', maxLength: 11 },
      baseUrl: { type: 'string', format: 'uri' },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    },
  },
  create(config, deps) {
    const base = (config.baseUrl ?? 'https://bulkpush.mytoday.com').replace(/\/$/, '');
    return {
      async send(message) {
        const form = new URLSearchParams({ feedid: config.feedId, username: config.username, password: config.password, To: `91${message.to}`, Text: message.body });
        if (config.senderId) form.set('senderid', config.senderId);
        const res = await vendorRequest('netcore', deps, `${base}/BulkSms/SingleMsgApi`, {
          method: 'POST',
          timeoutMs: config.timeoutMs,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        });
        return toResult(await res.text());
      },
    };
  },
});
