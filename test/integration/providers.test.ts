import { createHmac } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../engine/index.ts';
import { ProviderError, type EmailMessage, type EmailProvider, type EventMessage, type EventsProvider, type SmsMessage, type SmsProvider } from '../../engine/plugin-api.ts';
import { createProvider, loadPluginCatalog, ProviderConfigError } from '../../engine/providers/plugin-catalog.ts';
import { resolveEnvReferences } from '../../engine/support/env-references.ts';
import { describeMessageContract, type MessageKit } from '../contract/message-contract.ts';
import { testDeps as baseDeps } from '../contract/provider-harness.ts';
import os from 'node:os';

// Message providers keep no files: no folder of their own.
const testDeps = (o: Parameters<typeof baseDeps>[0] = {}) => baseDeps({ dataDir: os.tmpdir(), ...o });
import { fakeMsg91, fakeNetcore, fakeSendgrid, fakeWebhookReceiver } from '../support/fakes/vendor-fakes.ts';
import type { ReceivedRequest } from '../support/fakes/fake-vendor.ts';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const catalog = await loadPluginCatalog(path.resolve(import.meta.dirname, '../../plugins'));
const TIMEOUT = 800;

// ---- SMS -----------------------------------------------------------------------------------
const smsKit: MessageKit<SmsProvider, SmsMessage, { to: string; body: string; key?: string }> = {
  kind: 'sms',
  sample: (n) => ({ to: `98765432${String(n).padStart(2, '0')}`, body: `Your OTP is 12345${n}`, idempotencyKey: `sms-key-${n}-${Math.random()}` }),
  send: (p, m) => p.send(m),
  matches: (d, m) => d.to.endsWith(m.to) && d.body === m.body,
  refused: { to: '1234567890', body: 'x', idempotencyKey: 'bad-number' },
};

describeMessageContract('msg91', smsKit, async () => {
  const fake = await fakeMsg91('msg91-auth-key');
  const provider = createProvider(catalog, 'sms', 'msg91', { authKey: 'msg91-auth-key', templateId: 'otp-flow', baseUrl: fake.url, timeoutMs: TIMEOUT }, testDeps());
  const delivered = () => fake.received.map((r: ReceivedRequest) => { const b = JSON.parse(r.body); return { to: b.recipients[0].mobiles as string, body: b.recipients[0].body as string, key: b.recipients[0].CRQID as string | undefined }; });
  return { provider, delivered, keyOf: (d) => d.key, script: fake.script, timeoutMs: TIMEOUT, close: fake.close };
}, { vendorClient: true });

describeMessageContract('netcore', smsKit, async () => {
  const creds = { feedId: '354979', username: 'rulepath', password: 'secret-pass' };
  const fake = await fakeNetcore(creds);
  const provider = createProvider(catalog, 'sms', 'netcore', { ...creds, baseUrl: fake.url, timeoutMs: TIMEOUT }, testDeps());
  const delivered = () => fake.received.map((r) => { const f = new URLSearchParams(r.body); return { to: f.get('To')!, body: f.get('Text')! }; });
  return { provider, delivered, script: fake.script, timeoutMs: TIMEOUT, close: fake.close };
}, { vendorClient: true });

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info');
  const capture = new Proxy(logger, { get: (t, k) => (k === 'info' ? (obj: Record<string, unknown>) => lines.push(obj) : Reflect.get(t, k)) });
  return { logger: capture, lines };
}

describeMessageContract('console', { ...smsKit, refused: undefined }, async () => {
  const { logger, lines } = logCapture();
  const provider = createProvider(catalog, 'sms', 'console', {}, testDeps({ logger }));
  return { provider, delivered: () => lines.map((l) => ({ to: l.to as string, body: l.body as string, key: l.idempotencyKey as string })), keyOf: (d) => d.key, close: async () => {} };
}, { vendorClient: false });

// ---- email ---------------------------------------------------------------------------------
const emailKit: MessageKit<EmailProvider, EmailMessage, { to: string; subject: string; key?: string }> = {
  kind: 'email',
  sample: (n) => ({ to: `user${n}@example.com`, subject: `Subject ${n}`, text: `Hello ${n}`, html: `<p>Hello ${n}</p>`, idempotencyKey: `mail-key-${n}-${Math.random()}` }),
  send: (p, m) => p.send(m),
  matches: (d, m) => d.to === m.to && d.subject === m.subject && (d.key === undefined || d.key === m.idempotencyKey),
};

describeMessageContract('sendgrid', { ...emailKit, refused: { to: 'not-an-address', subject: 's', text: 't', idempotencyKey: 'k' } }, async () => {
  const fake = await fakeSendgrid('SG.test-key-123');
  const provider = createProvider(catalog, 'email', 'sendgrid', { apiKey: 'SG.test-key-123', from: 'noreply@rulepath.test', baseUrl: fake.url, timeoutMs: TIMEOUT }, testDeps());
  const delivered = () => fake.received.map((r) => { const b = JSON.parse(r.body); return { to: b.personalizations[0].to[0].email, subject: b.subject, key: b.personalizations[0].custom_args.idempotency_key }; });
  return { provider, delivered, keyOf: (d) => d.key, script: fake.script, timeoutMs: TIMEOUT, close: fake.close };
}, { vendorClient: true });

describeMessageContract('smtp', emailKit, async () => {
  const mails: { to: string; subject: string; key?: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo[0]!.address, subject: /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '', key: /^X-Idempotency-Key: (.*)$/m.exec(raw)?.[1]?.trim() });
        cb();
      });
    },
    onRcptTo(address, _s, cb) {
      if (address.address.startsWith('reject')) return cb(Object.assign(new Error('550 mailbox unavailable'), { responseCode: 550 }));
      cb();
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  const provider = createProvider(catalog, 'email', 'smtp', { host: '127.0.0.1', port, from: 'noreply@rulepath.test', timeoutMs: TIMEOUT }, testDeps());
  return { provider, delivered: () => mails, keyOf: (d) => d.key, close: () => new Promise<void>((r) => server.close(() => r())) };
}, { vendorClient: false });

describe('smtp provider refusals', () => {
  it('turns a 5xx SMTP reply into a permanent error and a dead server into a transient one', async () => {
    const server = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], onRcptTo: (_a, _s, cb) => cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 })) });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.server.address() as AddressInfo).port;
    const provider = createProvider(catalog, 'email', 'smtp', { host: '127.0.0.1', port, from: 'noreply@rulepath.test', timeoutMs: TIMEOUT }, testDeps());
    const err = (await provider.send({ to: 'x@example.com', subject: 's', text: 't', idempotencyKey: 'k1' }).catch((e: unknown) => e)) as ProviderError;
    expect(err.transient).toBe(false);
    await new Promise<void>((r) => server.close(() => r()));
    const down = (await provider.send({ to: 'x@example.com', subject: 's', text: 't', idempotencyKey: 'k2' }).catch((e: unknown) => e)) as ProviderError;
    expect(down).toBeInstanceOf(ProviderError);
    expect(down.transient).toBe(true);
  });
});

describeMessageContract('console', emailKit, async () => {
  const { logger, lines } = logCapture();
  const provider = createProvider(catalog, 'email', 'console', {}, testDeps({ logger }));
  return { provider, delivered: () => lines.map((l) => ({ to: l.to as string, subject: l.subject as string })), close: async () => {} };
}, { vendorClient: false });

// ---- events --------------------------------------------------------------------------------
const eventsKit: MessageKit<EventsProvider, EventMessage, { topic: string; key: string; id: string }> = {
  kind: 'events',
  sample: (n) => ({ topic: 'CLEVERTAP', type: 'LEAD_CREATED', key: `lead-${n}`, payload: { leadId: `lead-${n}` }, idempotencyKey: `evt-${n}-${Math.random()}` }),
  send: (p, m) => p.publish(m),
  matches: (d, m) => d.topic === m.topic && d.key === m.key && d.id === m.idempotencyKey,
};

const WEBHOOK_SECRET = 'whsec-0123456789abcdef';
describeMessageContract('webhook', eventsKit, async () => {
  const fake = await fakeWebhookReceiver();
  const provider = createProvider(catalog, 'events', 'webhook', { url: `${fake.url}/hooks/rulepath`, secret: WEBHOOK_SECRET, timeoutMs: TIMEOUT }, testDeps());
  const delivered = () => fake.received.map((r) => { const b = JSON.parse(r.body); return { topic: b.topic, key: b.key, id: r.headers['idempotency-key'] as string }; });
  return { provider, delivered, keyOf: (d) => d.id, script: fake.script, timeoutMs: TIMEOUT, close: fake.close };
}, { vendorClient: true });

describe('webhook signature', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 so a receiver can verify it', async () => {
    const fake = await fakeWebhookReceiver();
    const provider = createProvider(catalog, 'events', 'webhook', { url: fake.url, secret: WEBHOOK_SECRET }, testDeps({ clock: () => new Date('2026-11-22T10:00:00Z') }));
    await provider.publish(eventsKit.sample(9));
    const req = fake.received[0]!;
    const sig = String(req.headers['x-rulepath-signature']);
    const [t, v1] = sig.split(',').map((p) => p.split('=')[1]);
    expect(t).toBe(String(Date.parse('2026-11-22T10:00:00Z') / 1000));
    expect(v1).toBe(createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${req.body}`).digest('hex'));
    await fake.close();
  });
});

describe('kafka provider (no broker runs here)', () => {
  it('validates its config: brokers as host:port', () => {
    expect(() => createProvider(catalog, 'events', 'kafka', { brokers: ['not a broker'] }, testDeps())).toThrow(ProviderConfigError);
  });
  it('reports an unreachable broker as a transient ProviderError, so the outbox keeps and retries the event', async () => {
    const provider = createProvider(catalog, 'events', 'kafka', { brokers: ['127.0.0.1:1'], connectionTimeoutMs: 300 }, testDeps());
    const err = (await provider.publish(eventsKit.sample(1)).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.transient).toBe(true);
    await provider.close?.();
  });
});

// ---- config --------------------------------------------------------------------------------
describe('provider config', () => {
  it('resolves ${ENV} references and reports missing ones by path', () => {
    const problems: { path: string; message: string }[] = [];
    const resolved = resolveEnvReferences({ authKey: '${MSG91_KEY}', nested: ['pre-${MISSING_ONE}'] }, { MSG91_KEY: 'k-123' }, '$', problems);
    expect(resolved).toEqual({ authKey: 'k-123', nested: ['pre-'] });
    expect(problems).toEqual([{ path: '$.nested[0]', message: 'Environment variable MISSING_ONE is not set (a definition may give a default: ${MISSING_ONE:-value})' }]);
  });

  it('takes ${NAME:-default} where NAME is unset or empty, as a shell does', () => {
    const problems: { path: string; message: string }[] = [];
    const resolved = resolveEnvReferences({ mode: '${OTP_MODE:-fixed}', set: '${OTP_MODE2:-fixed}', empty: '${EMPTY:-x}', blank: '${UNSET:-}', text: 'a ${B:-b} c ${C}' }, { OTP_MODE2: 'random', EMPTY: '', C: 'see' }, '$', problems);
    expect(resolved).toEqual({ mode: 'fixed', set: 'random', empty: 'x', blank: '', text: 'a b c see' });
    expect(problems).toEqual([]);
  });

  it('refuses a config that does not fit the plugin schema, listing every problem', () => {
    try {
      createProvider(catalog, 'sms', 'msg91', { authKey: 'short', extra: 1 }, testDeps(), {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProviderConfigError);
      expect((err as ProviderConfigError).problems.map((p) => p.path).sort()).toEqual(['$.authKey', '$.extra', '$.templateId']);
    }
  });

  it('names the plugins it has when asked for one it lacks', () => {
    expect(() => createProvider(catalog, 'sms', 'twilio', {}, testDeps())).toThrow(/No sms plugin named "twilio" \(have: sms\/console, sms\/msg91, sms\/netcore\)/);
  });
});
