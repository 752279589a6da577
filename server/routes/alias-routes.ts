import type { RequestHandler } from 'express';
import { AppError, type Engine, type Registry, type RouteAliasDef } from '../../engine/index.ts';
import { OPERATION_SPECS } from '../operations/operation-registry.ts';
import { runOperation } from './run-operation.ts';
import { sendResult } from './send-result.ts';
import { labelRoute } from '../middleware/route-label.ts';

interface CompiledAlias {
  app: string;
  method: string;
  pattern: RegExp;
  params: string[];
  route: RouteAliasDef;
  /** The declared path with Express-style parameters (/solarium/leads/:id/status): its metrics label. */
  template: string;
}

const cache = new WeakMap<Registry, CompiledAlias[]>();

function escape(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Seed endpoints declared by each app, mounted under its base path; rebuilt when definitions reload. */
export function compileAliases(registry: Registry): CompiledAlias[] {
  const hit = cache.get(registry);
  if (hit) return hit;
  const aliases: CompiledAlias[] = [];
  for (const app of registry.apps.values()) {
    for (const route of app.routes) {
      const params: string[] = [];
      const source = (app.basePath + route.path)
        .split(/(\{[a-zA-Z]+\})/)
        .map((part) => {
          const m = /^\{([a-zA-Z]+)\}$/.exec(part);
          if (!m) return escape(part);
          params.push(m[1]!);
          return '([^/]+)';
        })
        .join('');
      aliases.push({ app: app.id, method: route.method, pattern: new RegExp(`^${source}/?$`), params, route, template: (app.basePath + route.path).replace(/\{([a-zA-Z]+)\}/g, ':$1') });
    }
  }
  cache.set(registry, aliases);
  return aliases;
}

// Express answers a malformed %-escape in its own route parameters with a 400; ours do the same
// (check-url-text.ts refuses such a path first; this keeps the alias table safe on its own).
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError('BAD_REQUEST', 'The path is not valid percent-encoding', { details: [{ path: '$.path', message: `"${raw}" is not valid percent-encoded UTF-8` }] });
  }
}

export function aliasRoutes(engine: Engine): RequestHandler {
  return async (req, res, next) => {
    const aliases = compileAliases(engine.registry());
    for (const alias of aliases) {
      const m = alias.pattern.exec(req.path);
      if (!m) continue;
      if (alias.method !== req.method) continue;
      const values = Object.fromEntries(alias.params.map((p, i) => [p, decodeSegment(m[i + 1]!)]));
      const { route } = alias;
      labelRoute(res, alias.template);
      sendResult(res, await runOperation(OPERATION_SPECS[route.operation], engine, req, { app: alias.app, route, entity: route.entity, id: values.id, event: route.event, targetField: route.targetField, params: values }, res));
      return;
    }
    // A path an alias takes with another method: 405 with Allow (routes/allowed-methods.ts).
    next();
  };
}
