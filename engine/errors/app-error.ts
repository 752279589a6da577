import { ERROR_CATALOG, type ErrorCode } from './error-catalog.ts';

/** One problem with one place in the input: a JSON path (or file + path) and a sentence. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The only error the engine throws on purpose. Anything else reaching the server is a bug (500). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  /** Extra body fields a route may return with the error (e.g. the existing record on a 409). */
  readonly data: unknown;
  /** A code an app definition chose for this case (e.g. BE_REG_DUPLICATE); clients see it instead of `code`. */
  readonly publicCode: string | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { details?: ErrorDetail[]; data?: unknown; cause?: unknown; publicCode?: string } = {},
  ) {
    super(message ?? ERROR_CATALOG[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = options.details;
    this.data = options.data;
    this.publicCode = options.publicCode;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
