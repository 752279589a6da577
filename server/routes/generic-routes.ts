import { Router, type Request, type Response } from 'express';
import type { Engine } from '../../engine/index.ts';
import type { OperationCall, OperationSpec } from '../operations/operation-spec.ts';
import { OPERATION_SPECS } from '../operations/operation-registry.ts';
import { runOperation } from './run-operation.ts';
import { sendResult } from './send-result.ts';

/** '/v1/apps/{app}/records/{entity}' -> '/v1/apps/:app/records/:entity' */
export const expressPath = (path: string) => path.replace(/\{([A-Za-z]+)\}/g, ':$1');

const METHODS = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' } as const;

/** The REST engine every app gets: /v1/apps/{app}/... (DESIGN.md, API surface), one route per operation spec. */
export function genericRoutes(engine: Engine): Router {
  const router = Router();
  const route = (spec: OperationSpec) => async (req: Request, res: Response) => {
    const p = req.params as Record<string, string | undefined>;
    const call: OperationCall = { app: p.app!, entity: p.entity, id: p.id, event: p.event, params: p };
    sendResult(res, await runOperation(spec, engine, req, call, res));
  };
  for (const spec of Object.values(OPERATION_SPECS)) {
    if (spec.genericPath) router[METHODS[spec.method]](expressPath(spec.genericPath), route(spec));
  }
  return router;
}
