// kill -9 of the server with messages pending: after a restart, every one is delivered; and
// kill -9 in the middle of delivering: only the sends that were in flight go out twice.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeMsg91, fakeWebhookReceiver } from '../support/fakes/vendor-fakes.ts';
import { exited, serverProcesses } from '../support/server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const servers = serverProcesses('rulepath-crash-');
const midFlight = serverProcesses('rulepath-crash-dup-');
afterAll(() => {
  servers.cleanup();
  midFlight.cleanup();
});

async function until(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

describe('outbox across a crash', () => {
  it('delivers every message that was pending when the server was killed -9', async () => {
    const msg91 = await fakeMsg91('crash-test-msg91-key');
    const hook = await fakeWebhookReceiver();
    const env = {
      DEFINITIONS_DIR: path.resolve(ROOT, 'test/fixtures/outbox-defs'),
      OUTBOX_BACKOFF_BASE_MS: '200', OUTBOX_BACKOFF_MAX_MS: '1000', OUTBOX_LEASE_MS: '1000',
      OT_MSG91_KEY: 'crash-test-msg91-key', OT_MSG91_URL: msg91.url,
      OT_HOOK_PRIMARY: `${hook.url}/a`, OT_HOOK_SECONDARY: `${hook.url}/b`, OT_HOOK_SECRET: 'crash-test-secret-0123456789',
    };
    // Every vendor is down: nothing can be delivered before the kill.
    msg91.script(...Array.from({ length: 1000 }, () => ({ status: 503, body: 'down' })));
    hook.script(...Array.from({ length: 1000 }, () => ({ status: 503, body: 'down' })));

    const started = await servers.start(env);
    const first = started.child;
    const base = started.base;
    const login = await fetch(`${base}/v1/apps/outboxtest/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@outbox.test', password: 'demo1234' }) });
    const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${base}/v1/apps/outboxtest/records/ticket`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ title: `Crash ${i}`, phone: String(9820000000 + i) }) });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { data: { id: string } }).data.id);
    }
    expect(msg91.received).toHaveLength(0);
    first.kill('SIGKILL');
    await exited(first);

    msg91.clearScript();
    hook.clearScript();
    const second = (await servers.start(env)).child;
    const delivered = await until(() => msg91.received.length >= 10 && hook.actedOn().length >= 10, 45_000);
    expect(delivered).toBe(true);
    expect(new Set(msg91.received.map((r) => JSON.parse(r.body).recipients[0].mobiles)).size).toBe(10);
    expect(msg91.received).toHaveLength(10);
    expect(hook.actedOn().filter((k) => ids.some((id) => k.includes(id)))).toHaveLength(10);

    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
    await Promise.all([msg91.close(), hook.close()]);
  });
});

/** The dispatcher's default: sends in flight at once, in one process. */
const CONCURRENCY = 16;
const TICKETS = 150; // an SMS and an event each: 300 messages, three claims of 100

async function openTickets(base: string, count: number, phoneBase: number) {
  const login = await fetch(`${base}/v1/apps/outboxcrash/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@outbox.test', password: 'demo1234' }) });
  const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${base}/v1/apps/outboxcrash/records/ticket`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ title: `Crash ${i}`, phone: String(phoneBase + i) }) });
      if (res.status !== 201) throw new Error(`ticket ${i}: ${res.status} ${await res.text()}`);
    }
  }));
}

/** Receipts beyond the first, per message: what the customer got twice. */
const duplicates = (counts: Map<string, number>) => [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
const receipts = (counts: Map<string, number>) => [...counts.values()].reduce((n, c) => n + c, 0);

describe('outbox killed -9 in the middle of delivering', () => {
  it('sends again only the messages whose send was in flight, not the rest of their batch', async () => {
    const msg91 = await fakeMsg91('crash-dup-msg91-key');
    const hook = await fakeWebhookReceiver();
    const env = {
      DEFINITIONS_DIR: path.resolve(ROOT, 'test/fixtures/outbox-crash-defs'),
      // A failed send waits 2-4 s: long enough for every message to be written before any is retried.
      OUTBOX_BACKOFF_BASE_MS: '4000', OUTBOX_BACKOFF_MAX_MS: '4000', OUTBOX_LEASE_MS: '1000',
      OC_MSG91_KEY: 'crash-dup-msg91-key', OC_MSG91_URL: msg91.url, OC_HOOK_URL: `${hook.url}/ops`, OC_HOOK_SECRET: 'crash-dup-secret-0123456789',
    };
    const all = () => receipts(msg91.sent) + receipts(hook.arrivals);

    // 1. The vendors are down while the messages are written: all of them pile up, due together.
    msg91.script(...Array.from({ length: 5000 }, () => ({ status: 503, body: 'down' })));
    hook.script(...Array.from({ length: 5000 }, () => ({ status: 503, body: 'down' })));
    const writer = await midFlight.start(env);
    await openTickets(writer.base, TICKETS, 9820000000);
    writer.child.kill('SIGKILL');
    await exited(writer.child);
    expect(all()).toBe(0);
    await new Promise((r) => setTimeout(r, 4500)); // every retry time has passed

    // 2. The vendors are back, each answer taking 50 ms; killed -9 half-way through the second claim.
    msg91.clearScript();
    hook.clearScript();
    msg91.script(...Array.from({ length: 5000 }, () => ({ delayMs: 50 })));
    hook.script(...Array.from({ length: 5000 }, () => ({ delayMs: 50 })));
    const sender = await midFlight.start(env);
    await openTickets(sender.base, 1, 9830000000); // its commit wakes the dispatcher at once
    expect(await until(() => all() >= 160, 60_000)).toBe(true);
    sender.child.kill('SIGKILL');
    await exited(sender.child);
    const atKill = all();

    // 3. A restart drains what is left (a new ticket's commit wakes it; Agenda's lock may still be held).
    msg91.clearScript();
    hook.clearScript();
    const drainer = await midFlight.start(env);
    await openTickets(drainer.base, 1, 9840000000);
    const messages = 2 * (TICKETS + 2);
    expect(await until(() => msg91.sent.size + hook.arrivals.size >= messages, 60_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // nothing more is on its way

    const dupes = duplicates(msg91.sent) + duplicates(hook.arrivals);
    console.log(`kill -9 mid-flight: ${atKill} receipts at the kill, ${messages} messages, ${dupes} duplicates (sms ${duplicates(msg91.sent)}, events ${duplicates(hook.arrivals)})`);
    expect(msg91.sent.size).toBe(TICKETS + 2);
    expect(hook.arrivals.size).toBe(TICKETS + 2);
    expect(dupes).toBeLessThanOrEqual(CONCURRENCY);

    drainer.child.kill('SIGTERM');
    expect(await exited(drainer.child)).toBe(0);
    await Promise.all([msg91.close(), hook.close()]);
  }, 240_000);
});
