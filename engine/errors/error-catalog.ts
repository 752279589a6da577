// Every error the engine may throw, with its HTTP status. The server maps AppError to HTTP in one
// place (server/middleware/error-handler.ts); a test keeps this table and README's list in sync.
export const ERROR_CATALOG = {
  BAD_REQUEST: { status: 400, message: 'The request is malformed' },
  VALIDATION_FAILED: { status: 400, message: 'The request body is not valid' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid email or password' },
  OTP_INVALID: { status: 401, message: 'The code is not correct' },
  OTP_EXPIRED: { status: 401, message: 'The code has expired; ask for a new one' },
  OTP_USED: { status: 401, message: 'The code has already been used' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  APP_NOT_FOUND: { status: 404, message: 'Unknown app' },
  ENTITY_NOT_FOUND: { status: 404, message: 'Unknown entity' },
  EVENT_NOT_FOUND: { status: 404, message: 'Unknown event' },
  RECORD_NOT_FOUND: { status: 404, message: 'Record not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  DUPLICATE: { status: 409, message: 'A record with this value already exists' },
  CONFLICT: { status: 409, message: 'The record was changed by someone else; try again' },
  STAGE_NOT_REACHED: { status: 409, message: 'The journey has not reached this step yet' },
  DUPLICATE_IN_WINDOW: { status: 400, message: 'Already registered recently' },
  VERSION_MISMATCH: { status: 412, message: 'The record has changed since you read it' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json' },
  INVALID_TRANSITION: { status: 422, message: 'Invalid status transition' },
  LOCKED: { status: 423, message: 'Locked after too many wrong codes; try again later' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; try again later' },
  REMARKS_REQUIRED: { status: 422, message: 'Remarks are required for an override' },
  INTERNAL: { status: 500, message: 'Internal error' },
  UNAVAILABLE: { status: 503, message: 'A service the server depends on is unavailable' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
