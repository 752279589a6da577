// What every handler resolves from a call before asking the engine: the app, the target, the caller.
import type { Request } from 'express';
import { AppError, type Actor, type Engine } from '../../engine/index.ts';
import { authenticate, bearerToken, hasCredentials } from '../middleware/authenticate.ts';
import type { EntityAction, OperationCall } from './operation-spec.ts';

export const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new AppError('NOT_FOUND', `Missing ${what}`);
  return value;
};

export const label = (engine: Engine, call: OperationCall) => engine.registry().apps.get(call.app)?.entities.get(call.entity ?? '')?.label ?? 'Record';
export const ifMatch = (req: Request) => req.header('if-match');
export const target = (call: OperationCall) => ({ app: call.app, entity: need(call.entity, 'entity') });

export const appOf = (engine: Engine, call: OperationCall) => {
  const app = engine.registry().apps.get(call.app);
  if (!app) throw new AppError('APP_NOT_FOUND', `Unknown app "${call.app}"`);
  return app;
};

/**
 * Who calls: a signed-in actor, or — for a caller without credentials, in an app that declares a
 * public role (an eKYC applicant) that holds `permission` on the entity — that role, on seed and
 * generic routes alike: what it may do is its permissions', not the route's. A caller the public
 * role cannot serve is asked to sign in (401); presented credentials are always verified.
 */
export async function actorFor(engine: Engine, req: Request, call: OperationCall, permission?: EntityAction): Promise<Actor> {
  const app = appOf(engine, call);
  const role = Object.entries(app.roles).find(([, r]) => r.public)?.[0];
  const serves = role !== undefined && (permission === undefined || Boolean(app.roles[role]!.permissions?.[call.entity ?? '']?.[permission]));
  // A record session (an applicant's token from signup) speaks for the public role, on its one record.
  const token = serves ? bearerToken(req) : undefined;
  if (token && engine.auth.isRecordSessionToken(token, app.id)) {
    const actor = await engine.auth.verifyRecordSession(token, app.id);
    sessionCallers.set(req, actor);
    return actor;
  }
  if (hasCredentials(req) || !role || !serves) return authenticate(engine, req, call.app);
  return { id: 'anonymous', app: app.id, role };
}

/** Calls made with a record session, by request: each answer carries a fresh token (run-operation.ts). */
const sessionCallers = new WeakMap<Request, Actor>();
export const sessionCallerOf = (req: Request): Actor | undefined => sessionCallers.get(req);
