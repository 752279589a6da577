// OpenAPI 3.1 generated from the loaded definitions: generic routes, each app's aliases, entity schemas.
import { CONSOLE_BODY_SCHEMA, EVALUATE_BODY_SCHEMA, LOGIN_BODY_SCHEMA, OTP_REQUEST_SCHEMA, OTP_VERIFY_SCHEMA, type CompiledApp, type CompiledEntity, type Registry, type RouteAliasDef } from '../../engine/index.ts';

type Obj = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const schemaName = (app: CompiledApp, entity: CompiledEntity, suffix: string) => `${app.id}.${entity.name}.${suffix}`;

const ERROR = {
  type: 'object',
  required: ['success', 'error', 'traceId'],
  properties: {
    success: { const: false },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
    traceId: { type: 'string' },
  },
};

const envelope = (data: Obj) => ({
  type: 'object',
  required: ['success', 'data'],
  properties: { success: { const: true }, message: { type: 'string' }, data, journeyStatus: ref('JourneyStatus') },
});

const errorResponses = (codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: `Error ${c}`, content: { 'application/json': { schema: ref('Error') } } }]));

function recordSchema(entity: CompiledEntity): Obj {
  const properties: Obj = { id: { type: 'string', format: 'uuid' }, ...(entity.createSchema as { properties: Obj }).properties };
  if (entity.workflow) properties[entity.workflow.field] = { type: 'string', enum: Object.keys(entity.workflow.states) };
  Object.assign(properties, {
    version: { type: 'integer' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    allowedEvents: { type: 'array', items: { type: 'string' } },
  });
  return { type: 'object', properties };
}

function operationFor(app: CompiledApp, op: RouteAliasDef['operation'], entity: CompiledEntity | undefined, extra: { targetField?: string } = {}): Obj {
  const security = [{ bearer: [] }];
  const body = (schema: Obj) => ({ required: true, content: { 'application/json': { schema } } });
  const one = entity ? envelope(ref(schemaName(app, entity, 'record'))) : {};
  const res = (status: number, schema: Obj, errors: number[]) => ({
    [String(status)]: { description: 'Success', content: { 'application/json': { schema } } },
    ...errorResponses(errors),
  });
  switch (op) {
    case 'auth.login':
      return { summary: `Log in to ${app.name}`, requestBody: body(LOGIN_BODY_SCHEMA as unknown as Obj), responses: res(200, envelope({ type: 'object' }), [400, 401]) };
    case 'records.create':
      return { summary: `Create a ${entity!.label}`, security, requestBody: body(ref(schemaName(app, entity!, 'create'))), responses: res(201, one, [400, 401, 403, 409, 413, 415]) };
    case 'records.list': {
      const parameters = [
        ...[...entity!.filterable, ...(entity!.workflow ? [entity!.workflow.field] : [])].map((f) => ({ name: f, in: 'query', required: false, schema: { type: 'string' } })),
        { name: 'sort', in: 'query', schema: { type: 'string', enum: [...entity!.sortable].flatMap((s) => [s, `-${s}`]) } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
        { name: 'cursor', in: 'query', schema: { type: 'string' } },
      ];
      const page = envelope({ type: 'object', properties: { items: { type: 'array', items: ref(schemaName(app, entity!, 'record')) }, nextCursor: { type: ['string', 'null'] } } });
      return { summary: `List ${entity!.label} records`, security, parameters, responses: res(200, page, [400, 401, 403]) };
    }
    case 'records.get':
      return { summary: `Get a ${entity!.label} with the events you may fire`, security, responses: res(200, one, [401, 403, 404]) };
    case 'records.patch':
      return { summary: `Change fields of a ${entity!.label}`, security, parameters: [ifMatch], requestBody: body(ref(schemaName(app, entity!, 'patch'))), responses: res(200, one, [400, 401, 403, 404, 409, 412]) };
    case 'records.delete':
      return { summary: `Delete a ${entity!.label}`, security, parameters: [ifMatch], responses: res(200, envelope({ type: 'object' }), [401, 403, 404, 412]) };
    case 'records.timeline':
      return { summary: `Status history of a ${entity!.label}`, security, responses: res(200, envelope({ type: 'array', items: ref('TimelineEntry') }), [401, 403, 404]) };
    case 'records.event':
      return {
        summary: `Fire a workflow event on a ${entity!.label}`,
        security,
        parameters: [ifMatch],
        requestBody: body({ type: 'object', additionalProperties: false, properties: { input: entity!.inputSchema, override: { type: 'boolean' }, remarks: { type: 'string', maxLength: 2000 } } }),
        responses: res(200, one, [400, 401, 403, 404, 412, 422]),
      };
    case 'auth.otpRequest':
      return { summary: 'Send a sign-in code to the phone (and email) of a user', requestBody: body(OTP_REQUEST_SCHEMA as unknown as Obj), responses: res(200, envelope({ type: 'object' }), [400, 404, 423, 429]) };
    case 'auth.otpVerify':
      return { summary: 'Exchange the code for access and refresh tokens (X-Client-Type: web sets cookies instead)', requestBody: body(OTP_VERIFY_SCHEMA as unknown as Obj), responses: res(200, envelope({ type: 'object' }), [400, 401, 423]) };
    case 'auth.refresh':
      return { summary: 'Rotate the refresh token and get a new access token', requestBody: body({ type: 'object', properties: { refreshToken: { type: 'string' } } }), responses: res(200, envelope({ type: 'object' }), [401]) };
    case 'auth.logout':
      return { summary: 'Revoke the refresh token and its family', requestBody: body({ type: 'object', properties: { refreshToken: { type: 'string' } } }), responses: res(200, envelope({ type: 'null' }), [401]) };
    case 'otp.request':
      return { summary: `Send a verification code for a ${entity!.label}`, security, requestBody: body({ type: 'object', minProperties: 1, additionalProperties: false, properties: { phone: { type: 'string' }, email: { type: 'string', format: 'email' } } }), responses: res(200, envelope({ type: 'object' }), [400, 401, 403, 404, 422, 423, 429]) };
    case 'otp.verify':
      return { summary: 'Check the code; returns a verification token', security, requestBody: body(OTP_VERIFY_SCHEMA as unknown as Obj), responses: res(200, envelope({ type: 'object' }), [400, 401, 404, 423]) };
    case 'rules.evaluate':
      return {
        summary: 'Evaluate live promotions for a cart at a store, highest savings first; with storeGroup (and selections), the test console',
        security,
        requestBody: body({ oneOf: [EVALUATE_BODY_SCHEMA as unknown as Obj, CONSOLE_BODY_SCHEMA as unknown as Obj] }),
        responses: res(200, envelope({ type: 'object' }), [400, 401, 403, 404]),
      };
    case 'imports.uploadUrl':
      return { summary: 'A signed, expiring URL to PUT a CSV file to (then register it)', security, responses: res(200, envelope({ type: 'object' }), [401, 403, 404]) };
    case 'imports.register':
      return { summary: 'Register an uploaded CSV file: it is imported in the background', security, requestBody: body({ type: 'object', required: ['blobName'], properties: { blobName: { type: 'string' } } }), responses: res(202, envelope({ type: 'object' }), [400, 401, 403, 404, 409, 413]) };
    case 'imports.status':
      return { summary: 'Progress of an import: rows done, total, percent, status', security, responses: res(200, envelope({ type: 'object' }), [401, 403, 404]) };
    case 'imports.errors':
      return { summary: 'The error report of an import (CSV: row, column, message)', security, responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errorResponses([401, 403, 404]) } };
    case 'outbox.list':
    case 'outbox.retry':
      throw new Error(`${op} is not described yet`);
    case 'records.moveTo': {
      const input = (entity!.inputSchema as { properties: Obj }).properties;
      return {
        summary: `Move a ${entity!.label} to another status`,
        security,
        parameters: [ifMatch],
        requestBody: body({
          type: 'object',
          required: [extra.targetField],
          additionalProperties: false,
          properties: { [extra.targetField!]: { type: 'string', enum: Object.keys(entity!.workflow?.states ?? {}) }, remarks: { type: 'string', maxLength: 2000 }, override: { type: 'boolean' }, ...input },
        }),
        responses: res(200, one, [400, 401, 403, 404, 412, 422]),
      };
    }
  }
}

const ifMatch = { name: 'If-Match', in: 'header', required: false, description: 'the record version you read; a stale one gets 412', schema: { type: 'string' } };

export function buildOpenApi(registry: Registry): Obj {
  const paths: Record<string, Obj> = {};
  const schemas: Obj = {
    Error: ERROR,
    JourneyStatus: { type: 'object', properties: { currentStage: { type: 'integer' }, currentState: { type: 'string' }, progressPercent: { type: 'integer' } } },
    TimelineEntry: {
      type: 'object',
      properties: {
        id: { type: 'integer' }, event: { type: 'string' }, from: { type: ['string', 'null'] }, to: { type: 'string' }, actorId: { type: ['string', 'null'] },
        role: { type: ['string', 'null'] }, override: { type: 'boolean' }, remarks: { type: ['string', 'null'] }, at: { type: 'string', format: 'date-time' },
      },
    },
  };
  const add = (path: string, method: string, op: Obj, tag: string) => {
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    (paths[path] ??= {})[method.toLowerCase()] = { tags: [tag], ...op, parameters: [...params, ...((op.parameters as Obj[]) ?? [])] };
  };

  for (const app of registry.apps.values()) {
    for (const entity of app.entities.values()) {
      schemas[schemaName(app, entity, 'create')] = entity.createSchema;
      schemas[schemaName(app, entity, 'patch')] = entity.patchSchema;
      schemas[schemaName(app, entity, 'record')] = recordSchema(entity);
      const base = `/v1/apps/${app.id}/records/${entity.name}`;
      const tag = `${app.id} (generic)`;
      add(base, 'POST', operationFor(app, 'records.create', entity), tag);
      add(base, 'GET', operationFor(app, 'records.list', entity), tag);
      add(`${base}/{id}`, 'GET', operationFor(app, 'records.get', entity), tag);
      add(`${base}/{id}`, 'PATCH', operationFor(app, 'records.patch', entity), tag);
      add(`${base}/{id}`, 'DELETE', operationFor(app, 'records.delete', entity), tag);
      add(`${base}/{id}/timeline`, 'GET', operationFor(app, 'records.timeline', entity), tag);
      if (entity.workflow) {
        const event = { name: 'event', in: 'path', required: true, schema: { type: 'string', enum: [...entity.workflow.events] } };
        const op = operationFor(app, 'records.event', entity);
        add(`${base}/{id}/events/{event}`, 'POST', op, tag);
        (paths[`${base}/{id}/events/{event}`]!.post as Obj).parameters = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, event, ifMatch];
      }
    }
    if (app.passwordLogin) add(`/v1/apps/${app.id}/auth/login`, 'POST', operationFor(app, 'auth.login', undefined), `${app.id} (generic)`);
    if (app.definition.auth?.otp) {
      for (const [op, p] of [['auth.otpRequest', 'otp/request'], ['auth.otpVerify', 'otp/verify'], ['auth.refresh', 'refresh'], ['auth.logout', 'logout']] as const) {
        add(`/v1/apps/${app.id}/auth/${p}`, 'POST', operationFor(app, op, undefined), `${app.id} (generic)`);
      }
    }
    const generic = `${app.id} (generic)`;
    for (const name of app.rulesets.keys()) add(`/v1/apps/${app.id}/rules/${name}/evaluate`, 'POST', operationFor(app, 'rules.evaluate', undefined), generic);
    if (app.imports.size) {
      add(`/v1/apps/${app.id}/imports/{import}/upload-url`, 'GET', operationFor(app, 'imports.uploadUrl', undefined), generic);
      add(`/v1/apps/${app.id}/imports/{import}/register`, 'POST', operationFor(app, 'imports.register', undefined), generic);
      add(`/v1/apps/${app.id}/import-jobs/{id}`, 'GET', operationFor(app, 'imports.status', undefined), generic);
      add(`/v1/apps/${app.id}/import-jobs/{id}/errors`, 'GET', operationFor(app, 'imports.errors', undefined), generic);
      add(`/v1/apps/${app.id}/uploads/{token}`, 'PUT', {
        summary: 'The target of a signed upload URL: the raw CSV file (no bearer token: the URL is the credential)',
        requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
        responses: { '201': { description: 'Stored', content: { 'application/json': { schema: { type: 'object' } } } }, ...errorResponses([400, 401, 409, 413]) },
      }, generic);
    }
    for (const route of app.routes) {
      const entity = route.entity ? app.entities.get(route.entity) : undefined;
      add(app.basePath + route.path, route.method, { ...operationFor(app, route.operation, entity, { targetField: route.targetField }), ...(route.summary ? { summary: route.summary } : {}) }, app.name);
    }
  }

  return {
    openapi: '3.1.0',
    info: { title: 'Rulepath', version: '1.0.0', description: 'Generated from the loaded definitions. Every error has the shape of components.schemas.Error.' },
    paths: {
      '/healthz': { get: { summary: 'Liveness and database check', responses: { '200': { description: 'Healthy' }, ...errorResponses([500]) } } },
      ...paths,
    },
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
