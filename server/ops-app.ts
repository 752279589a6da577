// /livez, /readyz and /metrics on a port of their own (METRICS_PORT): for the worker, which serves
// no other HTTP, and for an API process whose metrics should stay off its public port.
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Engine, Logger } from '../engine/index.ts';
import { errorHandler, notFound } from './middleware/error-handler.ts';
import { opsRoutes, type OpsOptions } from './routes/ops-routes.ts';

export function createOpsApp(engine: Engine, logger: Logger, options: OpsOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ logger, autoLogging: false }));
  app.use(opsRoutes(engine, options));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
