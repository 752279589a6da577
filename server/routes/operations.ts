// Every operation the REST engine offers, once. Generic routes and route aliases both call these.
import type { Request } from 'express';
import { AppError, resolveValue, type Actor, type Engine, type Operation, type RouteAliasDef } from '../../engine/index.ts';
import { clearSession, deliverSession, presentedRefreshToken } from '../middleware/session-cookies.ts';
import { authenticate, hasCredentials } from '../middleware/authenticate.ts';

export interface OperationCall {
  app: string;
  /** The alias that routed here, when one did (policy, condition, public). */
  route?: RouteAliasDef;
  entity?: string;
  id?: string;
  event?: string;
  targetField?: string;
  /** Other path parameters ({ruleset}, {import}, or {entity} of /v1/csv-jobs/{entity}/...). */
  params?: Record<string, string | undefined>;
}

export interface OperationResult {
  status: number;
  body: { success: true; message?: string; data: unknown; journeyStatus?: unknown };
  etag?: string;
  /** A download instead of the JSON envelope (an error report). */
  file?: { contentType: string; name: string; stream: import('node:stream').Readable };
}

type Handler = (engine: Engine, req: Request, call: OperationCall, res: import('express').Response) => Promise<OperationResult>;

const ok = (data: unknown, extra: { message?: string; journeyStatus?: unknown } = {}, status = 200): OperationResult => ({
  status,
  body: { success: true, ...(extra.message ? { message: extra.message } : {}), data, ...(extra.journeyStatus ? { journeyStatus: extra.journeyStatus } : {}) },
});

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new AppError('NOT_FOUND', `Missing ${what}`);
  return value;
};

const label = (engine: Engine, call: OperationCall) => engine.registry().apps.get(call.app)?.entities.get(call.entity ?? '')?.label ?? 'Record';
const ifMatch = (req: Request) => req.header('if-match');
const target = (call: OperationCall) => ({ app: call.app, entity: need(call.entity, 'entity') });
const appOf = (engine: Engine, call: OperationCall) => {
  const app = engine.registry().apps.get(call.app);
  if (!app) throw new AppError('APP_NOT_FOUND', `Unknown app "${call.app}"`);
  return app;
};
/**
 * Who calls: a signed-in actor, or — for a caller without credentials, in an app that declares a
 * public role (an eKYC applicant) — that role, on seed and generic routes alike: what it may do is
 * its permissions', not the route's. Presented credentials are always verified (401 when bad).
 */
async function actorFor(engine: Engine, req: Request, call: OperationCall): Promise<Actor> {
  const app = appOf(engine, call);
  const role = Object.entries(app.roles).find(([, r]) => r.public)?.[0];
  if (hasCredentials(req) || !role) {
    if (call.route?.public && !role) throw new AppError('FORBIDDEN', 'This app has no public role');
    return authenticate(engine, req, call.app);
  }
  return { id: 'anonymous', app: app.id, role };
}

const importName = (call: OperationCall) => need(call.params?.import ?? call.params?.entity, 'import');

/** Aliases may take the record id from a body field ({ leadId, ... }); the rest of the body is the input. */
function idAndBody(req: Request, call: OperationCall): { id: string; body: Record<string, unknown> } {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const idFrom = call.route?.idFrom;
  if (!idFrom) return { id: need(call.id, 'id'), body };
  const { [idFrom]: id, ...rest } = body;
  if (typeof id !== 'string' || !id) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: `$.${idFrom}`, message: `"${idFrom}" is required` }] });
  return { id, body: rest };
}

/** An alias may answer with its own data shape: { leadId: "{{record.id}}", state: "{{record.status}}" }. */
function shaped(call: OperationCall, data: Record<string, unknown>): Record<string, unknown> {
  const template = call.route?.response;
  if (!template) return data;
  return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, resolveValue(v, { record: data, actor: {}, input: {}, now: '' }) ?? null]));
}

const withEtag = (r: OperationResult, version: unknown): OperationResult => ({ ...r, etag: typeof version === 'number' ? `"${version}"` : undefined });

export const OPERATIONS: Record<Operation, Handler> = {
  'auth.login': async (engine, req, call) => ok(await engine.auth.login(call.app, req.body), { message: 'Logged in' }),

  'auth.otpRequest': async (engine, req, call) => ok(await engine.otpLogin.request(appOf(engine, call), req.body), { message: 'OTP sent' }),

  'auth.otpVerify': async (engine, req, call, res) => {
    const app = appOf(engine, call);
    return ok(deliverSession(req, res, await engine.otpLogin.verify(app, req.body), app.basePath), { message: 'Signed in' });
  },

  'auth.refresh': async (engine, req, call, res) => {
    const app = appOf(engine, call);
    return ok(deliverSession(req, res, await engine.otpLogin.refresh(app, presentedRefreshToken(req)), app.basePath), { message: 'Token refreshed' });
  },

  'auth.logout': async (engine, req, call, res) => {
    const app = appOf(engine, call);
    await engine.otpLogin.logout(app, presentedRefreshToken(req));
    clearSession(res, app.basePath);
    return ok(null, { message: 'Signed out' });
  },

  'otp.request': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    const policy = need(call.params?.policy ?? call.route?.policy, 'policy');
    return ok(await engine.recordOtp.request(appOf(engine, call), policy, call.entity, need(call.id, 'id'), actor, req.body), { message: 'OTP sent' });
  },

  'otp.verify': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    const policy = need(call.params?.policy ?? call.route?.policy, 'policy');
    return ok(await engine.recordOtp.verify(appOf(engine, call), policy, call.entity, need(call.id, 'id'), actor, req.body), { message: 'Verified' });
  },

  'records.create': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    const r = await engine.records.create(target(call), actor, req.body);
    // A seed endpoint keeps the seed's status code too (eKYC signup answers 200 "Lead created").
    return withEtag(ok(shaped(call, r.data), { message: `${label(engine, call)} created`, journeyStatus: r.journeyStatus }, call.route?.response ? 200 : 201), r.data.version);
  },

  'records.list': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    return ok(await engine.records.list(target(call), actor, req.query as Record<string, unknown>));
  },

  'records.get': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    const r = await engine.records.get(target(call), actor, need(call.id, 'id'));
    return withEtag(ok(r.data, { journeyStatus: r.journeyStatus }), r.data.version);
  },

  'records.patch': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    const id = need(call.id, 'id');
    // A seed PATCH may name the new state under its own field: fields and the move are one change.
    const statusField = call.route?.targetField;
    const body = req.body as unknown;
    const r = statusField && body !== null && typeof body === 'object' && statusField in body
      ? await engine.transitions.moveTo(target(call), actor, id, statusField, body, ifMatch(req), 'fields')
      : await engine.records.patch(target(call), actor, id, body, ifMatch(req));
    return withEtag(ok(r.data, { message: `${label(engine, call)} updated`, journeyStatus: r.journeyStatus }), r.data.version);
  },

  'records.delete': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    return ok(await engine.records.remove(target(call), actor, need(call.id, 'id'), ifMatch(req)), { message: `${label(engine, call)} deleted` });
  },

  'records.timeline': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    return ok(await engine.records.timeline(target(call), actor, need(call.id, 'id')));
  },

  'records.event': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    const { id, body } = idAndBody(req, call);
    let eventBody: unknown = body;
    // A flat seed body is the event's input (the step's code, if it needs one, among it).
    if (call.route?.idFrom) eventBody = { input: body };
    const r = await engine.transitions.fire(target(call), actor, id, need(call.event, 'event'), eventBody, ifMatch(req), call.route?.idFrom ? '$' : '$.input');
    return withEtag(ok(shaped(call, r.data), { message: 'Status updated', journeyStatus: r.journeyStatus }), r.data.version);
  },

  // A body naming a store group (and field selections) is the test console (§4.3.1); else an evaluation (§4.3).
  'rules.evaluate': async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const ruleset = need(call.params?.ruleset ?? call.route?.ruleset, 'ruleset');
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && 'storeGroup' in body) return ok(await engine.rules.console(call.app, ruleset, actor, body), { message: 'Test evaluation' });
    return ok(await engine.rules.evaluate(call.app, ruleset, actor, body));
  },

  'imports.uploadUrl': async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const r = await engine.imports.uploadUrl(call.app, importName(call), actor);
    // The upload goes to this server (the fs blob store); the URL is absolute, as a SAS URL would be.
    const base = (req.app.locals.publicUrl as string | undefined) ?? `${req.protocol}://${req.get('host')}`;
    return ok({ ...r, uploadUrl: `${base}${r.uploadPath}` });
  },

  'imports.register': async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.imports.register(call.app, importName(call), actor, req.body), { message: 'Import queued' }, 202);
  },

  'imports.status': async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.imports.status(call.app, actor, need(call.id, 'id')));
  },

  'imports.errors': async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const id = need(call.id, 'id');
    const stream = await engine.imports.errorReport(call.app, actor, id);
    return { status: 200, body: { success: true, data: null }, file: { contentType: 'text/csv; charset=utf-8', name: `import-${id}-errors.csv`, stream } };
  },

  'records.moveTo': async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
    const r = await engine.transitions.moveTo(target(call), actor, need(call.id, 'id'), need(call.targetField, 'targetField'), req.body, ifMatch(req));
    return withEtag(ok(r.data, { message: 'Status updated', journeyStatus: r.journeyStatus }), r.data.version);
  },
};

export function send(res: import('express').Response, result: OperationResult): void {
  if (result.file) {
    res.status(result.status).setHeader('Content-Type', result.file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${result.file.name}"`);
    result.file.stream.on('error', (err) => res.destroy(err));
    result.file.stream.pipe(res);
    return;
  }
  if (result.etag) res.setHeader('ETag', result.etag);
  res.status(result.status).json(result.body);
}
