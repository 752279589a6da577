import { AppError } from '../errors/app-error.ts';
import type { CompiledApp, Registry } from './compiled-app.ts';
import type { CompiledEntity } from '../records/compile-entity.ts';

export function resolveApp(registry: Registry, appId: string): CompiledApp {
  const app = registry.apps.get(appId);
  if (!app) throw new AppError('APP_NOT_FOUND', `Unknown app "${appId}"`);
  return app;
}

export function resolveEntity(app: CompiledApp, name: string): CompiledEntity {
  const entity = app.entities.get(name);
  if (!entity) throw new AppError('ENTITY_NOT_FOUND', `App "${app.id}" has no entity "${name}"`);
  return entity;
}

/** Accepts `If-Match: 3`, `"3"` or `W/"3"`; anything else is a 400. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw new AppError('BAD_REQUEST', 'If-Match must be the record version, e.g. If-Match: "3"', { details: [{ path: '$.headers.if-match', message: 'Not a version number' }] });
  return Number(m[1]);
}
