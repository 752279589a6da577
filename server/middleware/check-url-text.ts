// Path and query text reaches filters, record lookups and the audit log as body text does, so it
// meets the body's rule (json-body.ts): it must decode, and PostgreSQL must be able to store it.
// Headers need no such check: Node refuses NUL in them, and the ones used are pattern-checked.
import type { RequestHandler } from 'express';
import { AppError, isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../../engine/index.ts';

const unstorable = (path: string) => new AppError('BAD_REQUEST', 'The URL holds text that cannot be stored', { details: [{ path, message: UNSTORABLE_TEXT_MESSAGE }] });

export const checkUrlText: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return next(new AppError('BAD_REQUEST', 'The path is not valid percent-encoding', { details: [{ path: '$.path', message: 'Not valid percent-encoded UTF-8' }] }));
  }
  if (!isStorableText(path)) return next(unstorable('$.path'));
  for (const [key, value] of Object.entries(req.query)) {
    if (!isStorableText(key)) return next(unstorable(`$.query[${JSON.stringify(key)}]`));
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' && !isStorableText(v)) return next(unstorable(`$.query.${key}`));
    }
  }
  next();
};
