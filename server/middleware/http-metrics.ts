// Every HTTP answer counted by method, route template and status, with its latency.
import type { RequestHandler } from 'express';
import type { Metrics } from '../../engine/index.ts';
import { routeLabel } from './route-label.ts';

export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    // 'close' too: a client that hung up mid-answer is a request served (its status as far as it got).
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      metrics.httpRequest(req.method, routeLabel(req, res), res.statusCode, Number(process.hrtime.bigint() - startedAt) / 1e9);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}
