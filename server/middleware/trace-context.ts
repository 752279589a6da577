// Runs the rest of a request inside its trace id (engine/support/trace-context.ts): every line
// logged while serving it, by the HTTP layer or the engine, then carries the id of its error body.
import type { RequestHandler } from 'express';
import { runWithTraceId } from '../../engine/index.ts';

export const traceContext: RequestHandler = (req, _res, next) => {
  runWithTraceId(String(req.id), next);
};
