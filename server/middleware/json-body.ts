import express, { type RequestHandler } from 'express';
import { AppError } from '../../engine/index.ts';

export const BODY_LIMIT = '256kb';
const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const parseJson = express.json({ limit: BODY_LIMIT, strict: false, type: () => true });

/** Requests that carry a body must say it is JSON; bodiless requests pass untouched. */
export const jsonBody: RequestHandler = (req, res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return next();
  if (!req.is('application/json') && !req.is('application/*+json')) return next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
  parseJson(req, res, (err?: unknown) => {
    if (err) return next(err);
    try {
      checkShape(req.body, 0, '$');
    } catch (e) {
      return next(e);
    }
    next();
  });
};

/**
 * Refuses absurd nesting and prototype-shaped keys up front, so no validator, merge or JSONB
 * write ever sees them (they would be refused later anyway, but with less useful messages).
 */
function checkShape(value: unknown, depth: number, path: string): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) throw new AppError('BAD_REQUEST', `The body is nested deeper than ${MAX_DEPTH} levels`, { details: [{ path, message: 'Too deep' }] });
  if (Array.isArray(value)) return value.forEach((v, i) => checkShape(v, depth + 1, `${path}[${i}]`));
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new AppError('BAD_REQUEST', `The property name "${key}" is not allowed`, { details: [{ path: `${path}.${key}`, message: 'Reserved property name' }] });
    checkShape((value as Record<string, unknown>)[key], depth + 1, `${path}.${key}`);
  }
}
