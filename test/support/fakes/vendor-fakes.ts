// Fakes that answer the way each vendor's documented HTTP API does.
import { randomUUID } from 'node:crypto';
import { startFakeVendor, type ReceivedRequest, type VendorReply } from './fake-vendor.ts';

const json = (status: number, body: unknown, headers?: Record<string, string>): VendorReply => ({ status, body: JSON.stringify(body), headers });

/**
 * MSG91 Flow API: POST /api/v5/flow/ with `authkey`; refusals come back as 200 { type: "error" }.
 * MSG91 documents no de-duplication, so neither does the fake: every accepted request is an SMS
 * sent, counted per reference (`CRQID`, the message's key) so a test sees a message sent twice.
 */
export async function fakeMsg91(authKey: string) {
  const sent = new Map<string, number>();
  const fake = await startFakeVendor((req: ReceivedRequest) => {
    if (req.method !== 'POST' || req.path !== '/api/v5/flow/') return json(404, { type: 'error', message: 'Not found' });
    if (req.headers.authkey !== authKey) return json(401, { type: 'error', message: 'Authentication failure' });
    const body = JSON.parse(req.body || '{}') as { template_id?: string; recipients?: { mobiles?: string; CRQID?: string }[] };
    const mobile = body.recipients?.[0]?.mobiles ?? '';
    if (!body.template_id) return json(200, { type: 'error', message: 'Template ID missing' });
    if (!/^91[6-9][0-9]{9}$/.test(mobile)) return json(200, { type: 'error', message: 'Mobile number not valid' });
    const reference = body.recipients?.[0]?.CRQID ?? '';
    sent.set(reference, (sent.get(reference) ?? 0) + 1);
    return json(200, { type: 'success', message: randomUUID().replace(/-/g, '').slice(0, 24) });
  });
  return Object.assign(fake, {
    /** SMS sent per reference, repeats included: a slow reply is counted too. */
    sent,
  });
}

/**
 * Netcore bulkpush SingleMsgApi: form fields feedid/username/password/To/Text; XML replies. Netcore
 * documents no idempotency key and no de-duplication: every accepted request is an SMS sent.
 */
export function fakeNetcore(creds: { feedId: string; username: string; password: string }) {
  return startFakeVendor((req) => {
    const xml = (inner: string): VendorReply => ({ status: 200, body: `<?xml version="1.0" encoding="UTF-8"?><RESULT REQID="${Date.now()}">${inner}</RESULT>`, headers: { 'content-type': 'text/xml' } });
    if (req.method !== 'POST' || req.path !== '/BulkSms/SingleMsgApi') return { status: 404, body: 'Not found' };
    const form = new URLSearchParams(req.body);
    if (form.get('feedid') !== creds.feedId || form.get('username') !== creds.username || form.get('password') !== creds.password) {
      return xml('<REQUEST-ERROR><ERROR><CODE>102</CODE><DESC>Invalid Username/Password</DESC></ERROR></REQUEST-ERROR>');
    }
    if (!/^91[6-9][0-9]{9}$/.test(form.get('To') ?? '')) return xml('<REQUEST-ERROR><ERROR><CODE>104</CODE><DESC>Invalid mobile number</DESC></ERROR></REQUEST-ERROR>');
    if (!form.get('Text')) return xml('<REQUEST-ERROR><ERROR><CODE>106</CODE><DESC>Empty message</DESC></ERROR></REQUEST-ERROR>');
    return xml(`<MID SUBMITDATE="2026-11-22 10:00:00" ID="1" TAG="" TID="${Math.floor(Math.random() * 1e12)}"></MID>`);
  });
}

/** SendGrid v3 mail/send: Bearer key, JSON personalizations; 202 with X-Message-Id. No de-duplication (custom_args are only echoed in events). */
export function fakeSendgrid(apiKey: string) {
  return startFakeVendor((req) => {
    if (req.method !== 'POST' || req.path !== '/v3/mail/send') return json(404, { errors: [{ message: 'Not found' }] });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return json(401, { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] });
    const body = JSON.parse(req.body || '{}') as { personalizations?: { to?: { email?: string }[] }[]; from?: { email?: string }; subject?: string; content?: unknown[] };
    const to = body.personalizations?.[0]?.to?.[0]?.email;
    if (!to || !/^[^@\s]+@[^@\s]+$/.test(to)) return json(400, { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email' }] });
    if (!body.from?.email || !body.subject || !body.content?.length) return json(400, { errors: [{ message: 'Missing from, subject or content' }] });
    return { status: 202, body: '', headers: { 'x-message-id': randomUUID().replace(/-/g, '').slice(0, 22) } };
  });
}

/**
 * A webhook receiver as a careful consumer writes one: it acts on each Idempotency-Key once and
 * acknowledges repeats (a retry after a timeout that had in fact arrived) without acting again.
 */
export async function fakeWebhookReceiver() {
  const handled = new Map<string, number>();
  const fake = await startFakeVendor((req) => {
    const key = String(req.headers['idempotency-key'] ?? '');
    handled.set(key, (handled.get(key) ?? 0) + 1);
    return { status: 204, body: '' };
  });
  return Object.assign(fake, {
    /** Keys acted on (first arrivals). */
    actedOn: () => [...handled.keys()],
    /** Arrivals per key, repeats included. */
    arrivals: handled,
  });
}
