import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Engine, Logger } from '../engine/index.ts';
import { checkUrlText } from './middleware/check-url-text.ts';
import { corsAllowList } from './middleware/cors-allow-list.ts';
import { errorHandler, notFound } from './middleware/error-handler.ts';
import { jsonBody } from './middleware/json-body.ts';
import { buildOpenApi } from './openapi/build-openapi.ts';
import { docsRoutes } from './openapi/docs-page.ts';
import { aliasRoutes } from './routes/alias-routes.ts';
import { methodNotAllowed } from './routes/allowed-methods.ts';
import { expressPath, genericRoutes } from './routes/generic-routes.ts';
import { UPLOAD_ROUTE } from './routes/upload-route.ts';
import { DOWNLOAD_ROUTE } from './routes/download-route.ts';
import { appCatalog } from './app-catalog.ts';
import { studioRoutes } from './studio-routes.ts';
import { httpMetrics } from './middleware/http-metrics.ts';
import { traceContext } from './middleware/trace-context.ts';
import { OPS_PATHS, opsRoutes, type ServingState } from './routes/ops-routes.ts';
import type { Tracing } from './tracing.ts';

export interface AppOptions {
  /** A bare JSON echo at POST /_echo: the baseline the benchmarks compare against. */
  echoRoute?: boolean;
  /** The server's address as clients reach it (behind a proxy), for URLs it hands out. */
  publicUrl?: string;
  /** Origins a browser app may call from (CORS_ORIGINS); none: no CORS headers. */
  corsOrigins?: readonly string[];
  /** Set `draining` on SIGTERM: /readyz answers 503 and answers close their connection. */
  serving?: ServingState;
  /** When set, /metrics asks for this bearer token (METRICS_TOKEN). */
  metricsToken?: string;
  /** OpenTelemetry, when configured (tracing.ts): each request a span, whose trace id is the request id. */
  tracing?: Tracing;
}

/** HTTP only: middleware and the route table; every decision is the engine's. */
export function createHttpApp(engine: Engine, logger: Logger, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.locals.publicUrl = options.publicUrl?.replace(/\/$/, '');
  app.set('query parser', 'simple');
  const serving = options.serving ?? { draining: false };
  if (options.tracing) app.use(options.tracing.middleware);
  app.use(httpMetrics(engine.metrics));
  app.use(
    pinoHttp({
      logger,
      // The request id is the trace id: the span's when tracing is on, else the caller's X-Request-Id or a new one.
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = options.tracing?.traceId() ?? (typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID());
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // The closing line may be written outside the request's async context (a client hanging up): named here too.
      customSuccessObject: (req, _res, value: object) => ({ ...value, traceId: req.id }),
      customErrorObject: (req, _res, _err, value: object) => ({ ...value, traceId: req.id }),
      // Probes and scrapes every few seconds would drown the log; a failing /readyz logs why itself.
      autoLogging: { ignore: (req) => (OPS_PATHS as readonly string[]).includes(req.url?.split('?')[0] ?? '') },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // A signed upload or download URL is a credential: its token stays out of the log.
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.replace(/\/(uploads|downloads)\/[^/?]+/, '/$1/[token]') }), res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
    }),
  );
  // Before every route, so a preflight (OPTIONS) is answered here, not by the 405 handler.
  const cors = corsAllowList(options.corsOrigins ?? []);
  if (cors) app.use(cors);
  app.use(traceContext);
  // Stopping: whatever a kept-alive connection still asks is answered, and the connection closed.
  app.use((_req, res, next) => {
    if (serving.draining) res.setHeader('Connection', 'close');
    next();
  });
  app.use(checkUrlText);
  // A signed upload URL's target: the raw file, streamed (before the JSON body parser).
  app.put(expressPath(UPLOAD_ROUTE.path), UPLOAD_ROUTE.handler(engine));
  app.use(jsonBody);
  app.get(expressPath(DOWNLOAD_ROUTE.path), DOWNLOAD_ROUTE.handler(engine));

  app.use(opsRoutes(engine, { serving, metricsToken: options.metricsToken }));
  app.get('/healthz', async (_req, res) => {
    const health = await engine.health();
    // The release each app serves here: how a deployment sees that every process took a publish.
    const registry = engine.registry();
    res.json({ success: true, data: { status: 'ok', ...health, apps: [...registry.apps.keys()], releases: Object.fromEntries(registry.releases ?? []) } });
  });
  let openApi: { registry: unknown; doc: unknown } | undefined;
  app.get('/openapi.json', (_req, res) => {
    const registry = engine.registry();
    if (openApi?.registry !== registry) openApi = { registry, doc: buildOpenApi(registry) };
    res.json(openApi.doc);
  });
  app.use(docsRoutes());
  app.get('/v1/apps', appCatalog(engine));
  app.use(studioRoutes());
  if (options.echoRoute) app.post('/_echo', (req, res) => void res.json({ success: true, data: req.body ?? null }));

  app.use(genericRoutes(engine));
  app.use(aliasRoutes(engine));
  app.use(methodNotAllowed(engine));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
