// What operations tools ask a process: is it up (/livez), may it take traffic (/readyz), and its
// Prometheus metrics (/metrics). /healthz stays as it was (the database and the release each app serves).
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { AppError, type Engine } from '../../engine/index.ts';

/** Whether the process is stopping (SIGTERM): readiness goes false first, then the port closes. */
export interface ServingState {
  draining: boolean;
}

export interface OpsOptions {
  serving: ServingState;
  /** When set, /metrics asks for `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** How long /readyz waits for the database. */
  readyTimeoutMs?: number;
}

function sameToken(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const OPS_PATHS = ['/livez', '/readyz', '/metrics'] as const;

export function opsRoutes(engine: Engine, options: OpsOptions): Router {
  const router = Router();
  // The process answers: nothing else is asked (a database outage is no reason to restart it).
  router.get('/livez', (_req, res) => void res.json({ success: true, data: { status: 'live' } }));
  router.get('/readyz', async (req, res) => {
    const why = options.serving.draining ? 'the process is stopping' : await engine.notReady(options.readyTimeoutMs ?? 1000);
    if (why) {
      req.log?.warn({ reason: why }, 'not ready');
      throw new AppError('UNAVAILABLE', `Not ready: ${why}`);
    }
    res.json({ success: true, data: { status: 'ready' } });
  });
  router.get('/metrics', async (req, res) => {
    if (options.metricsToken && !sameToken(req.headers.authorization, options.metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError('UNAUTHENTICATED', 'The metrics ask for the bearer token set in METRICS_TOKEN');
    }
    const { contentType, body } = await engine.metrics.expose();
    res.type(contentType).send(body);
  });
  return router;
}
