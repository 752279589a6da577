// OpenTelemetry tracing, off unless an OTLP/HTTP endpoint is configured. Off, nothing of the SDK is
// loaded (start-up time and memory stay as they were) and the trace id is the request id. On, each
// request is a server span (continuing a caller's W3C `traceparent`), exported in batches, and its
// trace id is the request id: the one the error body quotes and every log line of the request carries.
//
// The span is made here rather than by @opentelemetry/instrumentation-http: patching node:http
// under ESM needs a loader hook registered before anything is imported, and the route template a
// span should be named by is known here (route-label.ts) anyway.
import type { RequestHandler } from 'express';
import { routeLabel } from './middleware/route-label.ts';

export interface TracingOptions {
  /** Full OTLP/HTTP traces URL (http://collector:4318/v1/traces); tracing is off without one. */
  tracesEndpoint?: string;
  serviceName: string;
}

export interface Tracing {
  /** Starts each request's span and makes it the active one while the request is served. */
  middleware: RequestHandler;
  /** The trace id of the active span (the request's, inside the middleware). */
  traceId(): string | undefined;
  /** Sends the spans still buffered. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting. */
  shutdown(): Promise<void>;
}

export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  if (!options.tracesEndpoint) return undefined;
  const [api, { NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.tracesEndpoint }))],
  });
  // Global: the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  const tracer = api.trace.getTracer('rulepath');

  const middleware: RequestHandler = (req, res, next) => {
    const parent = api.propagation.extract(api.context.active(), req.headers);
    const span = tracer.startSpan(req.method, { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeLabel(req, res);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: api.SpanStatusCode.ERROR, message: res.writableFinished ? undefined : 'the client hung up' });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    api.context.with(api.trace.setSpan(parent, span), next);
  };

  return {
    middleware,
    traceId: () => api.trace.getActiveSpan()?.spanContext().traceId,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
