// The HTTP server with every timeout set: without them a client that sends half a body holds its
// connection (and its memory) for Node's default 300 s, checked only every 30 s.
import http, { type Server } from 'node:http';
import type { RequestListener } from 'node:http';

export interface HttpTimeouts {
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (else 408 and the connection closes). */
  requestTimeoutMs: number;
  /** A connection with no byte either way for this long is closed (a stalled body, a stuck client). */
  idleTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (above a load balancer's own idle timeout). */
  keepAliveTimeoutMs: number;
}

export function listenHttp(handler: RequestListener, timeouts: HttpTimeouts, port: number, host: string): Promise<Server> {
  const server = http.createServer(
    {
      headersTimeout: Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs),
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // How often Node looks for requests past their timeouts (default 30 s): a quarter of the shortest.
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs) / 4))),
    },
    handler,
  );
  server.setTimeout(timeouts.idleTimeoutMs);
  return new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
