// The engine's Prometheus metrics: one prom-client Registry per engine (never the library's global
// one: tests run several engines in one process, and each must count only its own), and one small
// named function per thing worth counting, so engine code says what happened, not how it is kept.
// Labels are bounded by the definitions (apps, entities, events, providers, jobs) or by fixed lists
// (outcomes, route templates): a raw URL, an id or a client's string never becomes a label.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type TransitionOutcome = 'moved' | 'refused' | 'failed';
export type OtpOutcome = 'issued' | 'failed' | 'locked';
export type DeliveryOutcome = 'sent' | 'retried' | 'dead';
export type BreakerState = 'closed' | 'half_open' | 'open';

/** What the pool reports about itself (pg.Pool's counts). */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max?: number };
}

export interface OutboxCounts {
  pending: number;
  dead: number;
}

export interface MetricSources {
  /** The engine's pg pool: its counts are read at each scrape. */
  pool?: PoolCounts;
  /** Outbox rows by status; asked at most once per `outboxCacheMs` (a scrape storm costs one COUNT). */
  outboxCounts?: () => Promise<OutboxCounts>;
  outboxCacheMs?: number;
}

// Latency buckets in seconds: a status change is ~5 ms, a PDF render or a slow vendor seconds.
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const SLOW_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const BREAKER_STATES: BreakerState[] = ['closed', 'half_open', 'open'];

export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry();
  const registers = [registry];
  // Process CPU, memory, GC, handles and nodejs_eventloop_lag_seconds (+ the lag histogram's percentiles).
  collectDefaultMetrics({ register: registry });

  const http = new Histogram({ name: 'rulepath_http_request_duration_seconds', help: 'HTTP requests by method, route template and status, with their latency', labelNames: ['method', 'route', 'status'] as const, buckets: REQUEST_BUCKETS, registers });
  const transitions = new Counter({ name: 'rulepath_transitions_total', help: 'Workflow moves asked for, by app, entity, event and outcome (moved, refused: a 4xx, failed: anything else)', labelNames: ['app', 'entity', 'event', 'outcome'] as const, registers });
  const promotions = new Histogram({ name: 'rulepath_promotion_evaluation_duration_seconds', help: 'Promotion evaluations (a cart against the live promotions) and their latency, by app and ruleset', labelNames: ['app', 'ruleset'] as const, buckets: FAST_BUCKETS, registers });
  const otp = new Counter({ name: 'rulepath_otp_total', help: 'One-time codes by app, policy and outcome (issued, failed: a wrong code, locked: the wrong code that locked the subject out)', labelNames: ['app', 'policy', 'outcome'] as const, registers });
  const deliveries = new Counter({ name: 'rulepath_outbox_deliveries_total', help: 'Outbox delivery attempts by channel, provider (none when no provider took it) and outcome (sent, retried, dead)', labelNames: ['channel', 'provider', 'outcome'] as const, registers });
  const deliveryLatency = new Histogram({ name: 'rulepath_outbox_delivery_duration_seconds', help: 'Time one outbox message took to go through its provider chain, by channel and the provider that took it', labelNames: ['channel', 'provider'] as const, buckets: SLOW_BUCKETS, registers });
  const breakers = new Gauge({ name: 'rulepath_provider_breaker_state', help: 'Circuit breaker of each provider: 1 for its current state (closed, half_open, open), 0 for the others', labelNames: ['app', 'kind', 'provider', 'state'] as const, registers });
  const jobs = new Histogram({ name: 'rulepath_job_run_duration_seconds', help: 'Background job runs by job name and outcome (ok, failed), with their duration', labelNames: ['job', 'outcome'] as const, buckets: SLOW_BUCKETS, registers });

  const pool = sources.pool;
  if (pool) {
    new Gauge({
      name: 'rulepath_db_pool_connections',
      help: 'The PostgreSQL pool of the engine: connections open (total), idle, callers waiting for one (waiting), and the pool size (max)',
      labelNames: ['state'] as const,
      registers,
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
        this.set({ state: 'max' }, pool.options.max ?? 10);
      },
    });
  }

  const outboxCounts = sources.outboxCounts;
  if (outboxCounts) {
    const cacheMs = sources.outboxCacheMs ?? 5_000;
    let cached: { at: number; counts: Promise<OutboxCounts> } | undefined;
    new Gauge({
      name: 'rulepath_outbox_messages',
      help: `Outbox messages waiting to be delivered (pending) and in the dead letter (dead), counted in the database at scrape time (at most every ${cacheMs} ms)`,
      labelNames: ['status'] as const,
      registers,
      async collect() {
        if (!cached || Date.now() - cached.at >= cacheMs) {
          cached = { at: Date.now(), counts: outboxCounts() };
          // A failed count is not kept: the next scrape asks again.
          cached.counts.catch(() => (cached = undefined));
        }
        const counts = await cached.counts.catch(() => undefined);
        if (!counts) return;
        this.set({ status: 'pending' }, counts.pending);
        this.set({ status: 'dead' }, counts.dead);
      },
    });
  }

  const seconds = (startedAt: bigint) => Number(process.hrtime.bigint() - startedAt) / 1e9;

  return {
    registry,
    /** A clock reading to pass back to a `…Since` function. */
    now: () => process.hrtime.bigint(),
    httpRequest(method: string, route: string, status: number, durationSeconds: number): void {
      http.observe({ method, route, status: String(status) }, durationSeconds);
    },
    transition(app: string, entity: string, event: string, outcome: TransitionOutcome): void {
      transitions.inc({ app, entity, event, outcome });
    },
    promotionEvaluatedSince(app: string, ruleset: string, startedAt: bigint): void {
      promotions.observe({ app, ruleset }, seconds(startedAt));
    },
    otp(app: string, policy: string, outcome: OtpOutcome): void {
      otp.inc({ app, policy, outcome });
    },
    outboxDeliverySince(channel: string, provider: string | undefined, outcome: DeliveryOutcome, startedAt: bigint): void {
      deliveries.inc({ channel, provider: provider ?? 'none', outcome });
      if (provider && outcome === 'sent') deliveryLatency.observe({ channel, provider }, seconds(startedAt));
    },
    breakerState(app: string, kind: string, provider: string, state: BreakerState): void {
      for (const s of BREAKER_STATES) breakers.set({ app, kind, provider, state: s }, s === state ? 1 : 0);
    },
    jobRunSince(job: string, outcome: 'ok' | 'failed', startedAt: bigint): void {
      jobs.observe({ job, outcome }, seconds(startedAt));
    },
    /** The Prometheus text exposition (version 0.0.4). */
    async expose(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
