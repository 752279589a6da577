import express, { type RequestHandler } from 'express';
import { AppError, isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../../engine/index.ts';
import { isMultipart } from './multipart-file.ts';

export const BODY_LIMIT = '256kb';
const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const parseJson = express.json({ limit: BODY_LIMIT, strict: false, type: () => true });

/** Requests that carry a body must say it is JSON; bodiless requests pass untouched. */
export const jsonBody: RequestHandler = (req, res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return next();
  // A file upload streams through its own operation (multipart-file.ts); every other refuses it.
  if (isMultipart(req)) return next();
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
 * Refuses absurd nesting, prototype-shaped keys and text PostgreSQL cannot store up front, so no
 * validator, merge or JSONB write ever sees them (nesting and keys would be refused later anyway,
 * with less useful messages; NUL and lone surrogates would fail the write as a 500).
 */
function checkShape(value: unknown, depth: number, path: string): void {
  if (typeof value === 'string') {
    if (!isStorableText(value)) throw unstorable(path);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) throw new AppError('BAD_REQUEST', `The body is nested deeper than ${MAX_DEPTH} levels`, { details: [{ path, message: 'Too deep' }] });
  if (Array.isArray(value)) return value.forEach((v, i) => checkShape(v, depth + 1, `${path}[${i}]`));
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new AppError('BAD_REQUEST', `The property name "${key}" is not allowed`, { details: [{ path: `${path}.${key}`, message: 'Reserved property name' }] });
    // Quoted and escaped, so the path in the answer does not carry the very character refused.
    if (!isStorableText(key)) throw unstorable(`${path}[${JSON.stringify(key)}]`);
    checkShape((value as Record<string, unknown>)[key], depth + 1, `${path}.${key}`);
  }
}

const unstorable = (path: string) => new AppError('BAD_REQUEST', 'The body holds text that cannot be stored', { details: [{ path, message: UNSTORABLE_TEXT_MESSAGE }] });
