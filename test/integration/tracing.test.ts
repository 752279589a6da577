// OpenTelemetry on (an OTLP/HTTP endpoint configured): each request is a span sent to the collector,
// and its trace id is the one the error body quotes and every log line of the request carries.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../engine/index.ts';
import { startTracing, type Tracing } from '../../server/tracing.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}

const spans: ReceivedSpan[] = [];
const lines: Record<string, unknown>[] = [];
let collector: Server;
let tracing: Tracing;
let s: TestServer;

beforeAll(async () => {
  // A collector on loopback: what the exporter posts to /v1/traces (OTLP/HTTP, JSON).
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: ReceivedSpan[] }[] }[] };
        for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  tracing = (await startTracing({ tracesEndpoint: `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`, serviceName: 'rulepath-test' }))!;
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  s = await startTestServer({ logger, tracing });
});
afterAll(async () => {
  await tracing?.shutdown();
  await s?.close();
  collector?.close();
});

const attribute = (span: ReceivedSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue === undefined ? undefined : Number(v.intValue));
};

describe('tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('sends a span per request, named by its route template, with the trace id of the error body and of every log line', async () => {
    const token = await s.login('cp1@solarium.test');
    const from = lines.length;
    const refused = await s.request.patch('/solarium/leads/00000000-0000-4000-8000-000000000000/status').set('authorization', `Bearer ${token}`).send({ newStatus: 'won' });
    expect(refused.status).toBe(404);
    const traceId = refused.body.traceId as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(refused.headers['x-request-id']).toBe(traceId);
    const logged = lines.slice(from);
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(line.traceId, JSON.stringify(line)).toBe(traceId);

    await tracing.flush();
    const span = spans.find((sp) => sp.traceId === traceId);
    expect(span, JSON.stringify(spans.map((sp) => sp.name))).toBeDefined();
    expect(span!.name).toBe('PATCH /solarium/leads/:id/status');
    expect(attribute(span!, 'http.route')).toBe('/solarium/leads/:id/status');
    expect(attribute(span!, 'http.response.status_code')).toBe(404);
  });

  it('continues the trace a caller started (W3C traceparent)', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await s.request.get('/v1/apps/solarium/records/nope').set('traceparent', `00-${callerTrace}-00f067aa0ba902b7-01`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.traceId).toBe(callerTrace);
    await tracing.flush();
    const span = spans.find((sp) => sp.traceId === callerTrace);
    expect(span?.parentSpanId).toBe('00f067aa0ba902b7');
  });
});
