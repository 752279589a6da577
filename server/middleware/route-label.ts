// The route a request was served by, as a template (`/v1/apps/:app/records/:entity/:id`), for
// metrics and span names: a raw URL (ids, tokens) would make a label per record. Unmatched paths
// share one label, whatever a client sends.
import type { Request, Response } from 'express';

export const UNMATCHED_ROUTE = '(unmatched)';
/** The first path segments of the static mounts (studio-routes.ts, openapi/docs-page.ts). */
const STATIC_MOUNTS = new Set(['studio', 'docs']);

/** Set by a handler that matches paths itself (an app's route aliases). */
export function labelRoute(res: Response, template: string): void {
  res.locals.routeTemplate = template;
}

export function routeLabel(req: Request, res: Response): string {
  const own = res.locals.routeTemplate as string | undefined;
  if (own) return own;
  // Express keeps the route that took the request (its path as declared) on req.route.
  const route = req.route as { path?: unknown } | undefined;
  if (route?.path !== undefined) return Array.isArray(route.path) ? route.path.join('|') : String(route.path);
  // Static mounts (the Studio's and the docs' assets) answer without a route: their mount. Nothing
  // else gets a label of its own (a CORS preflight is answered before any route, whatever its path),
  // so a client cannot add labels.
  const mount = req.path.split('/')[1] ?? '';
  if (STATIC_MOUNTS.has(mount) && res.statusCode < 400) return `/${mount}/*`;
  return UNMATCHED_ROUTE;
}
