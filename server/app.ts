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

export interface AppOptions {
  /** A bare JSON echo at POST /_echo: the baseline the benchmarks compare against. */
  echoRoute?: boolean;
  /** The server's address as clients reach it (behind a proxy), for URLs it hands out. */
  publicUrl?: string;
  /** Origins a browser app may call from (CORS_ORIGINS); none: no CORS headers. */
  corsOrigins?: readonly string[];
}

/** HTTP only: middleware and the route table; every decision is the engine's. */
export function createHttpApp(engine: Engine, logger: Logger, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.locals.publicUrl = options.publicUrl?.replace(/\/$/, '');
  app.set('query parser', 'simple');
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // A signed upload or download URL is a credential: its token stays out of the log.
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.replace(/\/(uploads|downloads)\/[^/?]+/, '/$1/[token]') }), res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
    }),
  );
  // Before every route, so a preflight (OPTIONS) is answered here, not by the 405 handler.
  const cors = corsAllowList(options.corsOrigins ?? []);
  if (cors) app.use(cors);
  app.use(checkUrlText);
  // A signed upload URL's target: the raw file, streamed (before the JSON body parser).
  app.put(expressPath(UPLOAD_ROUTE.path), UPLOAD_ROUTE.handler(engine));
  app.use(jsonBody);
  app.get(expressPath(DOWNLOAD_ROUTE.path), DOWNLOAD_ROUTE.handler(engine));

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
