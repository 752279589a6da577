// The one place errors become HTTP. Engine errors carry their status; body-parser errors are
// translated; anything else is a bug: 500, logged with its traceId, never its stack to the client.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ERROR_CATALOG, isAppError, type ErrorCode } from '../../engine/index.ts';

interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
}

function fromBodyParser(err: HttpishError): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'entity.parse.failed':
      return new AppError('BAD_REQUEST', 'The body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('BAD_REQUEST', 'The body could not be read');
  }
  const status = err.status ?? err.statusCode;
  if (status && status >= 400 && status < 500) {
    const code = (Object.keys(ERROR_CATALOG) as ErrorCode[]).find((c) => ERROR_CATALOG[c].status === status) ?? 'BAD_REQUEST';
    return new AppError(code);
  }
  return undefined;
}

export function errorBody(err: AppError, traceId: string) {
  return {
    success: false as const,
    error: { code: err.publicCode ?? err.code, message: err.message, ...(err.details?.length ? { details: err.details } : {}), ...(err.data !== undefined ? { data: err.data } : {}) },
    traceId,
  };
}

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const traceId = String(req.id ?? '');
  const appError = isAppError(err) ? err : fromBodyParser((err ?? {}) as HttpishError);
  if (appError) {
    if (appError.status >= 500) req.log?.error({ err, traceId }, 'request failed');
    // A refusal that ends at a known time (a resend limit, a lockout) says when in the standard
    // header too (RFC 9110 §10.2.3), for clients and proxies that read no body.
    const retryAfter = (appError.data as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter > 0) res.setHeader('Retry-After', String(Math.ceil(retryAfter)));
    res.status(appError.status).json(errorBody(appError, traceId));
    return;
  }
  req.log?.error({ err, traceId }, 'unhandled error');
  res.status(500).json(errorBody(new AppError('INTERNAL', `Internal error; quote trace id ${traceId}`), traceId));
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', `No route ${req.method} ${req.path}`));
};
