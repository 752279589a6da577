// What a backtest is asked: the candidate, how many days back, and which page of the
// per-transaction results (the totals always cover the whole window).
import { AppError } from '../errors/app-error.ts';
import { UUID_RE } from '../support/uuid.ts';
import type { TransactionKey } from './backtest-promotion.ts';
import { CANDIDATE_PROPERTIES, type CandidateBody } from './promotion-candidate.ts';

export interface BacktestBody extends CandidateBody {
  days?: number;
  limit?: number;
  cursor?: string;
}

export const BACKTEST_DAYS = { default: 30, max: 90 } as const;
export const BACKTEST_PAGE = { default: 100, max: 1000 } as const;

export const BACKTEST_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...CANDIDATE_PROPERTIES,
    days: { type: 'integer', minimum: 1, maximum: BACKTEST_DAYS.max, description: `Transactions created in the last N days, today included (UTC; default ${BACKTEST_DAYS.default})` },
    limit: { type: 'integer', minimum: 1, maximum: BACKTEST_PAGE.max, description: `Per-transaction results in this page (default ${BACKTEST_PAGE.default})` },
    cursor: { type: 'string', minLength: 1, maxLength: 200, description: 'nextCursor of the previous page' },
  },
} as const;

/** The cursor is the last transaction of a page: opaque to clients, checked when it comes back. */
export const encodeCursor = (k: TransactionKey): string => Buffer.from(`${k.createdAt.toISOString()}|${k.id}`).toString('base64url');

export function decodeCursor(cursor: string): TransactionKey {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (Number.isNaN(createdAt.getTime()) || !id || !UUID_RE.test(id)) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.cursor', message: 'Not a cursor this backtest gave' }] });
  return { createdAt, id };
}
