// The methods a path takes, for a 405 that names them (Allow) instead of a 404 that says the path
// does not exist: the generic routes, the fixed ones and each app's aliases.
import type { RequestHandler } from 'express';
import { AppError, type Engine, type Registry } from '../../engine/index.ts';
import { OPERATION_SPECS } from '../operations/operation-registry.ts';
import { DOWNLOAD_ROUTE } from './download-route.ts';
import { UPLOAD_ROUTE } from './upload-route.ts';
import { compileAliases } from './alias-routes.ts';
import { OPS_PATHS } from './ops-routes.ts';

const FIXED: { method: string; path: string }[] = [
  { method: 'GET', path: '/healthz' },
  ...OPS_PATHS.map((path) => ({ method: 'GET', path })),
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/v1/apps' },
  { method: UPLOAD_ROUTE.method, path: UPLOAD_ROUTE.path },
  { method: DOWNLOAD_ROUTE.method, path: DOWNLOAD_ROUTE.path },
];

const pattern = (path: string) => new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[A-Za-z]+\\?\}/g, '[^/]+')}/?$`);
const GENERIC = [...FIXED, ...Object.values(OPERATION_SPECS).flatMap((s) => (s.genericPath ? [{ method: s.method as string, path: s.genericPath }] : []))].map((r) => ({ method: r.method, pattern: pattern(r.path) }));

export function allowedMethods(registry: Registry, path: string): string[] {
  const methods = new Set<string>();
  for (const r of GENERIC) if (r.pattern.test(path)) methods.add(r.method);
  for (const a of compileAliases(registry)) if (a.pattern.test(path)) methods.add(a.method);
  return [...methods].sort();
}

/** After every route: a path some route takes with another method answers 405 with Allow. */
export function methodNotAllowed(engine: Engine): RequestHandler {
  return (req, res, next) => {
    const allowed = allowedMethods(engine.registry(), req.path);
    if (!allowed.length) return next();
    res.setHeader('Allow', allowed.join(', '));
    next(new AppError('METHOD_NOT_ALLOWED', `${req.path} takes ${allowed.join(', ')}, not ${req.method}`));
  };
}
