// Operations' view of a server: Prometheus metrics at /metrics (by route template, never by raw
// URL), /livez and /readyz, and the trace id of an error body in every log line of its request.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../engine/index.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { BASE, PHONES, seedMasterData, signIn } from '../support/promopartner.ts';
import { parseMetrics, sample } from '../support/prometheus-text.ts';

const lines: Record<string, unknown>[] = [];
const serving = { draining: false };
let s: TestServer;

beforeAll(async () => {
  // Every line the server logs, as JSON, kept for the trace id checks.
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  s = await startTestServer({ logger, serving, metricsToken: 'scrape-token-0123456789' });
});
afterAll(async () => s?.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const scrape = async () => {
  const res = await s.request.get('/metrics').set(auth('scrape-token-0123456789'));
  expect(res.status).toBe(200);
  return { res, metrics: parseMetrics(res.text) };
};

describe('GET /metrics', () => {
  it('asks for the METRICS_TOKEN bearer token, in the one error format', async () => {
    const missing = await s.request.get('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ success: false, error: { code: 'UNAUTHENTICATED' } });
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect((await s.request.get('/metrics').set(auth('scrape-token-012345678X'))).status).toBe(401);
    expect((await s.request.post('/metrics').set(auth('scrape-token-0123456789'))).status).toBe(405);
  });

  it('counts requests by route template (an alias by its own), moves by app, entity, event and outcome', async () => {
    const cp = auth(await s.login('cp1@solarium.test'));
    const created = await s.request.post('/solarium/leads').set(cp).send({ name: 'Metric Lead', phone: '9811100001', city: 'Pune' });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    expect((await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'in_discussion' })).status).toBe(200);
    expect((await s.request.post(`/v1/apps/solarium/records/lead/${id}/events/site_survey`).set(cp).send({})).status).toBe(200);
    // Refused: a move the matrix has no cell for, an event no workflow knows (a client's string).
    expect((await s.request.patch(`/solarium/leads/${id}/status`).set(cp).send({ newStatus: 'executed' })).status).toBe(422);
    expect((await s.request.post(`/v1/apps/solarium/records/lead/${id}/events/no-such-event-${id}`).set(cp).send({})).status).toBe(404);
    expect((await s.request.get(`/no/such/path/${id}`)).status).toBe(404);

    const { res, metrics } = await scrape();
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    // No record id reaches a label: routes are templates, a made-up event is "(unknown)".
    expect(res.text).not.toContain(id);
    const requests = (route: string, method: string, status: string) => sample(metrics, 'rulepath_http_request_duration_seconds_count', { route, method, status });
    expect(requests('/solarium/leads/:id/status', 'PATCH', '200')).toBe(1);
    expect(requests('/solarium/leads/:id/status', 'PATCH', '422')).toBe(1);
    expect(requests('/v1/apps/:app/records/:entity/:id/events/:event', 'POST', '200')).toBe(1);
    expect(requests('/v1/apps/:app/records/:entity/:id/events/:event', 'POST', '404')).toBe(1);
    expect(requests('(unmatched)', 'GET', '404')).toBe(1);
    expect(sample(metrics, 'rulepath_http_request_duration_seconds_bucket', { route: '/solarium/leads/:id/status', method: 'PATCH', status: '200', le: '+Inf' })).toBe(1);

    const moves = (event: string, outcome: string) => sample(metrics, 'rulepath_transitions_total', { app: 'solarium', entity: 'lead', event, outcome });
    expect(moves('in_discussion', 'moved')).toBe(1);
    expect(moves('site_survey', 'moved')).toBe(1);
    expect(moves('(none)', 'refused')).toBe(1);
    expect(moves('(unknown)', 'refused')).toBe(1);
  });

  it('counts OTPs issued and failed, promotion evaluations with their latency, outbox messages and the pool', async () => {
    const admin = await signIn(s, PHONES.admin); // one code issued (and the right one given)
    const otp = await s.request.post(`${BASE}/auth/otp/request`).send({ phone: PHONES.kam });
    expect((await s.request.post(`${BASE}/auth/otp/verify`).send({ otpId: otp.body.data.otpId, code: '000000' })).status).toBe(401);
    await seedMasterData(s, admin);
    const evaluated = await s.request.post(`${BASE}/promotions/evaluate`).set(admin).send({ storeId: 'S001', items: [{ sku: 'LENS-BC-150', quantity: 1 }] });
    expect(evaluated.status, JSON.stringify(evaluated.body)).toBe(200);
    await s.engine.outbox.idle();

    const { metrics } = await scrape();
    expect(sample(metrics, 'rulepath_otp_total', { app: 'promopartner', policy: 'login', outcome: 'issued' })).toBe(2);
    expect(sample(metrics, 'rulepath_otp_total', { app: 'promopartner', policy: 'login', outcome: 'failed' })).toBe(1);
    expect(sample(metrics, 'rulepath_promotion_evaluation_duration_seconds_count', { app: 'promopartner' })).toBe(1);
    expect(sample(metrics, 'rulepath_promotion_evaluation_duration_seconds_sum', { app: 'promopartner' })).toBeGreaterThan(0);
    // The codes went out through the console SMS provider.
    expect(sample(metrics, 'rulepath_outbox_deliveries_total', { channel: 'sms', provider: 'console', outcome: 'sent' })).toBeGreaterThanOrEqual(2);
    expect(sample(metrics, 'rulepath_outbox_delivery_duration_seconds_count', { channel: 'sms', provider: 'console' })).toBeGreaterThanOrEqual(2);
    expect(sample(metrics, 'rulepath_provider_breaker_state', { app: 'promopartner', kind: 'sms', provider: 'console', state: 'closed' })).toBe(1);
    expect(sample(metrics, 'rulepath_db_pool_connections', { state: 'max' })).toBe(20);
    expect(sample(metrics, 'rulepath_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(sample(metrics, 'nodejs_eventloop_lag_seconds', {})).toBeGreaterThanOrEqual(0);
    expect(sample(metrics, 'rulepath_outbox_messages', { status: 'pending' })).toBe(0);
  });

  it('reads outbox pending and dead from the database at scrape time, at most every 5 s', async () => {
    const db = new pg.Client({ connectionString: s.databaseUrl });
    await db.connect();
    try {
      const before = sample((await scrape()).metrics, 'rulepath_outbox_messages', { status: 'dead' });
      await db.query(`INSERT INTO outbox_messages (id, app, channel, template, recipient, payload, idempotency_key, status, next_attempt_at, created_at)
                      VALUES (gen_random_uuid(), 'solarium', 'sms', 't', '9800000000', '{}', 'metrics-dead-1', 'dead', now(), now())`);
      // Within the cache: the same figure (a scrape storm costs one COUNT).
      expect(sample((await scrape()).metrics, 'rulepath_outbox_messages', { status: 'dead' })).toBe(before);
      await new Promise((r) => setTimeout(r, 5_100));
      expect(sample((await scrape()).metrics, 'rulepath_outbox_messages', { status: 'dead' })).toBe(before + 1);
    } finally {
      await db.end();
    }
  });
});

describe('probes', () => {
  it('/livez answers while the process runs; /readyz when it may take traffic, 503 while it drains', async () => {
    expect((await s.request.get('/livez')).body).toEqual({ success: true, data: { status: 'live' } });
    expect((await s.request.get('/readyz')).body).toEqual({ success: true, data: { status: 'ready' } });
    serving.draining = true;
    try {
      const draining = await s.request.get('/readyz');
      expect(draining.status).toBe(503);
      expect(draining.body).toMatchObject({ success: false, error: { code: 'UNAVAILABLE', message: 'Not ready: the process is stopping' } });
      expect(draining.headers.connection).toBe('close');
      expect((await s.request.get('/livez')).status).toBe(200);
    } finally {
      serving.draining = false;
    }
  });

  it('/readyz answers 503 when a migration of this build is not applied to the database', async () => {
    const db = new pg.Client({ connectionString: s.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ name: string }>(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations") RETURNING migration_name AS name`);
      const res = await s.request.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.error.message).toBe(`Not ready: migrations not applied: ${rows[0]!.name}`);
      await db.query(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = $1`, [rows[0]!.name]);
      expect((await s.request.get('/readyz')).status).toBe(200);
    } finally {
      await db.end();
    }
  });
});

describe('trace id', () => {
  it('is in every log line of a failing request, the engine’s as well as the HTTP layer’s', async () => {
    s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000);
    const session = await s.request.post(`${BASE}/auth/otp/request`).send({ phone: PHONES.parent });
    s.clock.now = new Date(s.clock.now.getTime() + 1000);
    const verified = await s.request.post(`${BASE}/auth/otp/verify`).send({ otpId: session.body.data.otpId, code: '123456' });
    const refreshToken = verified.body.data.refreshToken as string;
    expect((await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken })).status).toBe(200);
    await s.engine.outbox.idle();

    const from = lines.length;
    // A rotated refresh token used again: 401, and the engine logs the family it revokes.
    const reuse = await s.request.post(`${BASE}/auth/refresh`).send({ refreshToken });
    expect(reuse.status).toBe(401);
    const traceId = reuse.body.traceId as string;
    expect(traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reuse.headers['x-request-id']).toBe(traceId);
    const logged = lines.slice(from);
    expect(logged.map((l) => l.msg)).toEqual(['refresh token reuse: family revoked', 'request completed']);
    for (const line of logged) expect(line.traceId, JSON.stringify(line)).toBe(traceId);
  });

  it('is the caller’s X-Request-Id when it sends a usable one', async () => {
    const from = lines.length;
    const res = await s.request.get('/v1/apps/nope/records/x').set('X-Request-Id', 'caller-id-42');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.traceId).toBe('caller-id-42');
    expect(lines.slice(from).map((l) => l.traceId)).toEqual(['caller-id-42']);
  });
});
