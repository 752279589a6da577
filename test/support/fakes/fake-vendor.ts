// A vendor API on loopback: each fake decides what a correct request looks like and what the
// vendor answers; tests script failures (status, Retry-After, slowness) for the next calls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Scripted = { status: number; body?: string; headers?: Record<string, string> } | { delayMs: number };

export interface VendorReply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface FakeVendor {
  url: string;
  received: ReceivedRequest[];
  /** The next calls answer these, in order, before the normal behaviour resumes. */
  script(...next: Scripted[]): void;
  /** Drops what is left of the script. */
  clearScript(): void;
  /** Every request that reached the fake, answered or failed. */
  calls(): number;
  /**
   * How the vendor behaves from now on when nothing is scripted (benchmarks): `latencyMs` before
   * each answer, and `fails(n)` whether the n-th call answers 503 instead.
   */
  conditions(c: { latencyMs?: () => number; fails?: (n: number) => boolean }): void;
  close(): Promise<void>;
}

export async function startFakeVendor(handle: (req: ReceivedRequest) => VendorReply): Promise<FakeVendor> {
  const received: ReceivedRequest[] = [];
  const queue: Scripted[] = [];
  let calls = 0;
  let conditions: { latencyMs?: () => number; fails?: (n: number) => boolean } = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const next = queue.shift();
      const reply = (r: VendorReply) => {
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
        res.end(r.body);
      };
      if (next && 'delayMs' in next) {
        setTimeout(() => reply(handle(request)), next.delayMs).unref();
        return;
      }
      if (next) return reply({ status: next.status, body: next.body ?? '', headers: next.headers });
      const answer = () => {
        if (conditions.fails?.(calls)) return reply({ status: 503, body: '{"message":"service unavailable"}' });
        const r = handle(request);
        if (r.status < 300) received.push(request);
        reply(r);
      };
      const wait = conditions.latencyMs?.() ?? 0;
      if (wait > 0) setTimeout(answer, wait).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (...next) => queue.push(...next),
    clearScript: () => queue.splice(0),
    calls: () => calls,
    conditions: (c) => void (conditions = c),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
