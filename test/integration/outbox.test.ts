import path from 'node:path';
import type pg from 'pg';
import { queryRows } from '../support/sql.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { fakeMsg91, fakeWebhookReceiver } from '../support/fakes/vendor-fakes.ts';
import type { Scripted } from '../support/fakes/fake-vendor.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/outbox-defs');
const BACKOFF = { baseMs: 1000, maxMs: 8000 };

type Hook = Awaited<ReturnType<typeof fakeWebhookReceiver>>;
let msg91: Awaited<ReturnType<typeof fakeMsg91>>;
let primary: Hook;
let secondary: Hook;

beforeAll(async () => {
  msg91 = await fakeMsg91('outbox-test-msg91-key');
  primary = await fakeWebhookReceiver();
  secondary = await fakeWebhookReceiver();
  Object.assign(process.env, {
    OT_MSG91_KEY: 'outbox-test-msg91-key',
    OT_MSG91_URL: msg91.url,
    OT_HOOK_PRIMARY: `${primary.url}/primary`,
    OT_HOOK_SECONDARY: `${secondary.url}/secondary`,
    OT_HOOK_SECRET: 'outbox-test-secret-0123456789',
  });
});
afterAll(async () => {
  await Promise.all([msg91?.close(), primary?.close(), secondary?.close()]);
});

const query = <T extends pg.QueryResultRow>(s: TestServer, text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

/** Runs dispatcher passes, moving the fake clock past every backoff, until nothing is pending. */
async function drain(s: TestServer, maxRounds = 40) {
  for (let round = 0; round < maxRounds; round++) {
    await s.engine.outbox.idle();
    await s.engine.outbox.runOnce();
    const pending = await query<{ n: number }>(s, "SELECT count(*)::int AS n FROM outbox_messages WHERE status = 'pending'");
    if (pending[0]!.n === 0) return round;
    s.clock.now = new Date(s.clock.now.getTime() + BACKOFF.maxMs + 1000);
  }
  throw new Error('outbox did not drain');
}

async function openTickets(s: TestServer, count: number, phoneBase: number) {
  const token = await s.login('admin@outbox.test', 'outboxtest');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await s.request.post('/v1/apps/outboxtest/records/ticket').set('Authorization', `Bearer ${token}`).send({ title: `T${i}`, phone: String(phoneBase + i) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.push(res.body.data.id);
  }
  return { ids, token };
}

describe('outbox delivery through a flaky provider', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ definitionsDir: FIXTURES, backoff: BACKOFF, breaker: { errorThresholdPercentage: 99, volumeThreshold: 10_000, resetTimeoutMs: 60_000, rollingWindowMs: 60_000 } });
  });
  afterAll(async () => s?.close());

  it('writes the messages with the business change, delivers every one exactly once per key, retrying with backoff', async () => {
    // Half the calls fail: 5xx and timeouts (a timeout whose request did arrive, as happens for real).
    const flaky: Scripted[] = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? (i % 4 === 0 ? { status: 503, body: 'busy' } : { delayMs: 600 }) : { status: 200 }));
    primary.script(...flaky.map((f) => ('status' in f && f.status === 200 ? { delayMs: 0 } : f)));
    msg91.clearScript();
    msg91.script(...Array.from({ length: 15 }, () => ({ status: 502, body: 'bad gateway' })));
    const { ids } = await openTickets(s, 30, 9800000000);

    const rows = await query<{ channel: string; n: number }>(s, 'SELECT channel, count(*)::int AS n FROM outbox_messages GROUP BY channel ORDER BY channel');
    expect(rows).toEqual([{ channel: 'event', n: 30 }, { channel: 'sms', n: 30 }]);

    await s.engine.outbox.idle();
    // After a failed first attempt a message waits between half and all of the base delay.
    const waiting = await query<{ wait_ms: number }>(s, "SELECT EXTRACT(EPOCH FROM (next_attempt_at - $1::timestamptz)) * 1000 AS wait_ms FROM outbox_messages WHERE status = 'pending' AND attempts = 1", [s.clock.now]);
    expect(waiting.length).toBeGreaterThan(0);
    for (const w of waiting) {
      expect(Number(w.wait_ms)).toBeGreaterThanOrEqual(BACKOFF.baseMs / 2);
      expect(Number(w.wait_ms)).toBeLessThanOrEqual(BACKOFF.baseMs);
    }

    await drain(s);
    const statuses = await query<{ status: string; n: number }>(s, 'SELECT status, count(*)::int AS n FROM outbox_messages GROUP BY status');
    expect(statuses).toEqual([{ status: 'sent', n: 60 }]);
    const retried = await query<{ n: number }>(s, 'SELECT count(*)::int AS n FROM outbox_messages WHERE attempts > 1');
    expect(retried[0]!.n).toBeGreaterThan(0);

    const eventKeys = new Set([...primary.actedOn(), ...secondary.actedOn()]);
    expect(eventKeys.size).toBe(30);
    for (const id of ids) expect([...eventKeys].some((k) => k.includes(id))).toBe(true);
    const smsTo = msg91.received.map((r) => JSON.parse(r.body).recipients[0].mobiles as string);
    expect(new Set(smsTo).size).toBe(30);
    expect(smsTo).toHaveLength(30); // 5xx never reached the vendor as a message: no SMS twice
  });

  it('lists a message the provider refuses for good in the dead letter, and retries it on request', async () => {
    const token = await s.login('admin@outbox.test', 'outboxtest');
    primary.clearScript();
    primary.script({ status: 400, body: '{"error":"bad payload"}' });
    const res = await s.request.post('/v1/apps/outboxtest/records/ticket').set('Authorization', `Bearer ${token}`).send({ title: 'Refused', phone: '9700000001' });
    expect(res.status).toBe(201);
    await drain(s);
    const dead = await s.request.get('/v1/apps/outboxtest/outbox?status=dead').set('Authorization', `Bearer ${token}`);
    expect(dead.status).toBe(200);
    expect(dead.body.data).toHaveLength(1);
    expect(dead.body.data[0]).toMatchObject({ channel: 'event', status: 'dead', attempts: 1, lastError: expect.stringContaining('400') });

    const agent = await s.login('agent@outbox.test', 'outboxtest');
    expect((await s.request.get('/v1/apps/outboxtest/outbox').set('Authorization', `Bearer ${agent}`)).status).toBe(403);

    const retry = await s.request.post(`/v1/apps/outboxtest/outbox/${dead.body.data[0].id}/retry`).set('Authorization', `Bearer ${token}`);
    expect(retry.status).toBe(200);
    await drain(s);
    const after = await s.request.get('/v1/apps/outboxtest/outbox?status=dead').set('Authorization', `Bearer ${token}`);
    expect(after.body.data).toHaveLength(0);
    expect((await s.request.post(`/v1/apps/outboxtest/outbox/${dead.body.data[0].id}/retry`).set('Authorization', `Bearer ${token}`)).status).toBe(409);
  });
});

describe('recording each outcome', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ definitionsDir: FIXTURES, backoff: BACKOFF, breaker: { errorThresholdPercentage: 99, volumeThreshold: 10_000, resetTimeoutMs: 60_000, rollingWindowMs: 60_000 } });
  });
  afterAll(async () => s?.close());

  it('sends no more of a batch once a delivery cannot be recorded, and keeps the sent-but-unrecorded message for a re-send under its key', async () => {
    // 30 tickets written while every vendor is down: 60 messages, due together once the clock moves on.
    for (const f of [msg91, primary, secondary]) {
      f.clearScript();
      f.script(...Array.from({ length: 200 }, () => ({ status: 503, body: 'down' })));
    }
    await openTickets(s, 30, 9790000000);
    await s.engine.outbox.idle();
    for (const f of [msg91, primary, secondary]) f.clearScript();
    s.clock.now = new Date(s.clock.now.getTime() + BACKOFF.maxMs + 1000);

    // The database takes no record of a delivery: the first sends go out, their marks fail.
    await query(s, `CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no record for you'; END $$`);
    await query(s, `CREATE TRIGGER refuse_sent BEFORE UPDATE ON outbox_messages FOR EACH ROW WHEN (NEW.status = 'sent') EXECUTE FUNCTION refuse_sent()`);
    const before = msg91.calls() + primary.calls() + secondary.calls();
    await expect(s.engine.outbox.runOnce()).rejects.toThrow(/no record for you/);
    const sentUnrecorded = msg91.calls() + primary.calls() + secondary.calls() - before;
    expect(sentUnrecorded).toBeGreaterThan(0);
    expect(sentUnrecorded).toBeLessThanOrEqual(16); // the dispatcher's concurrency, not the batch of 60
    // Not mistaken for failed sends: no retry time, no error, not dead; they wait out their lease.
    const rows = await query<{ status: string; n: number; marked_failed: number }>(s, "SELECT status, count(*)::int AS n, count(*) FILTER (WHERE last_error LIKE '%no record%')::int AS marked_failed FROM outbox_messages GROUP BY status");
    expect(rows).toEqual([{ status: 'pending', n: 60, marked_failed: 0 }]);

    await query(s, 'DROP TRIGGER refuse_sent ON outbox_messages');
    s.clock.now = new Date(s.clock.now.getTime() + 61_000); // past the claim's lease
    await drain(s);
    const statuses = await query<{ status: string; n: number }>(s, 'SELECT status, count(*)::int AS n FROM outbox_messages GROUP BY status');
    expect(statuses).toEqual([{ status: 'sent', n: 60 }]);
  });
});

describe('provider chain and circuit breaker', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ definitionsDir: FIXTURES, backoff: BACKOFF, breaker: { errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeoutMs: 60_000, rollingWindowMs: 60_000 } });
  });
  afterAll(async () => s?.close());

  it('falls through to the second provider, and stops calling the first once its breaker opens', async () => {
    const before = { primary: primary.actedOn().length, secondary: secondary.actedOn().length, primaryCalls: primary.calls() };
    primary.clearScript();
    primary.script(...Array.from({ length: 50 }, () => ({ status: 503, body: 'down' })));
    await openTickets(s, 12, 9810000000);
    await drain(s);
    const rows = await query<{ provider: string; n: number }>(s, "SELECT provider, count(*)::int AS n FROM outbox_messages WHERE channel = 'event' GROUP BY provider");
    expect(rows).toEqual([{ provider: 'webhook#2', n: 12 }]);
    expect(secondary.actedOn().length - before.secondary).toBe(12);
    expect(primary.actedOn().length).toBe(before.primary);
    // The breaker opened after its 3-call volume of failures: the first provider was not asked for all 12.
    expect(primary.calls() - before.primaryCalls).toBeGreaterThanOrEqual(3);
    expect(primary.calls() - before.primaryCalls).toBeLessThan(12);
  });
});

describe('provider configuration', () => {
  it('refuses to start when a provider config names a missing environment variable', async () => {
    const saved = process.env.OT_MSG91_KEY;
    delete process.env.OT_MSG91_KEY;
    try {
      await expect(startTestServer({ definitionsDir: FIXTURES })).rejects.toThrow(/Environment variable OT_MSG91_KEY is not set/);
    } finally {
      process.env.OT_MSG91_KEY = saved;
    }
  });
});
