// Timeouts on every connection (a body that never finishes no longer holds it for 308 s) and CORS
// by allow-list.
import net from 'node:net';
import type { Server } from 'node:http';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../engine/index.ts';
import { createHttpApp } from '../../server/app.ts';
import { listenHttp } from '../../server/listen-http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ echoRoute: true });
});
afterAll(() => s.close());

/** Opens a raw connection, writes `first`, then `drip` every `everyMs` until closed; resolves with what came back and when. */
function rawClient(server: Server, first: string, drip?: { text: string; everyMs: number }) {
  const { port } = server.address() as net.AddressInfo;
  const t0 = Date.now();
  return new Promise<{ answer: string; closedAfterMs: number }>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(first));
    let answer = '';
    const timer = drip ? setInterval(() => socket.writable && socket.write(drip.text), drip.everyMs) : undefined;
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - t0 });
    });
  });
}

describe('HTTP timeouts', () => {
  let server: Server;
  beforeAll(async () => {
    server = await listenHttp(s.http, { headersTimeoutMs: 600, requestTimeoutMs: 1_200, idleTimeoutMs: 900, keepAliveTimeoutMs: 300 }, 0, '127.0.0.1');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 408 and closes a body that keeps trickling but never finishes', async () => {
    const { answer, closedAfterMs } = await rawClient(server, 'POST /_echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":"', { text: 'x', everyMs: 100 });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(4_000);
  });

  it('answers 408 to headers that never end', async () => {
    const { answer, closedAfterMs } = await rawClient(server, 'GET /healthz HTTP/1.1\r\nHost: t\r\n', { text: 'X-Slow: 1\r\n', everyMs: 100 });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(4_000);
  });

  it('closes a connection whose body stalls, long before the whole-request timeout', async () => {
    // The whole request may take a minute here: only the idle timeout can close it this soon.
    const patient = await listenHttp(s.http, { headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, idleTimeoutMs: 900, keepAliveTimeoutMs: 300 }, 0, '127.0.0.1');
    try {
      const { answer, closedAfterMs } = await rawClient(patient, 'POST /_echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
      expect(answer).toBe('');
      expect(closedAfterMs).toBeLessThan(4_000);
    } finally {
      patient.close();
    }
  });

  it('closes an idle keep-alive connection after its timeout, after answering', async () => {
    const { answer, closedAfterMs } = await rawClient(server, 'POST /_echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(closedAfterMs).toBeLessThan(3_000);
  });
});

describe('CORS by allow-list', () => {
  const allowed = 'https://app.example.com';
  let request: supertest.Agent;
  beforeAll(() => {
    request = supertest.agent(createHttpApp(s.engine, createLogger('silent'), { corsOrigins: [allowed, 'http://localhost:5173'] }));
  });

  it('answers a preflight from an allowed origin, with the methods and headers it asks for', async () => {
    const res = await request.options('/solarium/leads').set('Origin', allowed).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-headers']).toBe('authorization, content-type');
    expect(res.headers['vary']).toMatch(/Origin/);
  });

  it('lets the allowed origin read the answer and its trace id', async () => {
    const res = await request.get('/healthz').set('Origin', allowed);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
    expect(res.headers['access-control-expose-headers']).toContain('X-Session-Token');
  });

  it('gives another origin no CORS headers', async () => {
    const res = await request.get('/healthz').set('Origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request.options('/solarium/leads').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gives a preflight to a path nobody serves no metrics label of its own', async () => {
    for (const junk of ['a1b2c3', 'd4e5f6']) await request.options(`/${junk}/x`).set('Origin', allowed).set('Access-Control-Request-Method', 'GET');
    const metrics = await request.get('/metrics');
    expect(metrics.text).toContain('route="(unmatched)"');
    expect(metrics.text).not.toMatch(/a1b2c3|d4e5f6/);
  });

  it('is off by default: no CORS headers for anyone', async () => {
    const res = await s.request.get('/healthz').set('Origin', allowed);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
