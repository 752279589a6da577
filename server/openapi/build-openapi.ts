// OpenAPI 3.1 generated from the operation specs and the loaded definitions: each app's generic
// routes as concrete paths (typed per entity), its seed aliases with their real shapes, and the
// upload target. Nothing here decides anything: it describes what the specs serve.
import { ERROR_CATALOG, type CompiledApp, type Registry } from '../../engine/index.ts';
import { OPERATION_SPECS } from '../operations/operation-registry.ts';
import type { JsonSchema, OperationSpec, OperationTarget } from '../operations/operation-spec.ts';
import { entitySchemas } from '../operations/schemas/entity-schemas.ts';
import { envelope } from '../operations/schemas/envelope.ts';
import { entitySchemaName, ref } from '../operations/schemas/schema-ref.ts';
import { SHARED_SCHEMAS } from '../operations/schemas/shared-schemas.ts';
import { UPLOAD_ROUTE } from '../routes/upload-route.ts';
import { DOWNLOAD_ROUTE } from '../routes/download-route.ts';
import { allAppErrorCodes } from './app-error-codes.ts';
import { describeOperation } from './describe-operation.ts';
import { errorResponses, errorSchema } from './error-responses.ts';
import { operationId } from './operation-id.ts';
import { referencedSchemas } from './referenced-schemas.ts';

type PathItems = Record<string, Record<string, JsonSchema>>;

export function buildOpenApi(registry: Registry): JsonSchema {
  const paths: PathItems = {};
  const schemas: Record<string, JsonSchema> = { ...SHARED_SCHEMAS, Error: errorSchema([...Object.keys(ERROR_CATALOG), ...allAppErrorCodes(registry.apps.values())]) };
  const tags: JsonSchema[] = [{ name: 'server', description: 'Health of the server' }];
  const ids = new Set<string>();
  const add = (path: string, method: string, operation: JsonSchema) => {
    const id = String(operation.operationId);
    if (ids.has(id)) throw new Error(`Two operations would share the operationId "${id}" (${method} ${path})`);
    ids.add(id);
    (paths[path] ??= {})[method.toLowerCase()] = operation;
  };

  for (const app of registry.apps.values()) {
    for (const entity of app.entities.values()) {
      for (const [kind, schema] of Object.entries(entitySchemas(app, entity))) schemas[entitySchemaName(app, entity, kind as 'record')] = schema;
    }
    const generic = `${app.id} (generic)`;
    tags.push({ name: app.name, description: `${app.name}: the seed's endpoints under ${app.basePath}` }, { name: generic, description: `The REST engine for ${app.name}` });
    const describeGeneric = (spec: OperationSpec, t: OperationTarget) => {
      const relative = spec.genericPath!.replace('/v1/apps/{app}', '').replace('{entity}', t.entity?.name ?? '{entity}');
      const path = `/v1/apps/${app.id}${relative}`;
      add(path, spec.method, describeOperation(spec, t, path, { operationId: operationId(app.id, relative, spec.name, undefined, true), tag: generic }));
    };
    for (const spec of Object.values(OPERATION_SPECS) as OperationSpec[]) {
      if (!spec.genericPath) continue;
      if (!spec.genericPath.includes('{entity}')) {
        if (spec.servedFor(app)) describeGeneric(spec, { app });
        continue;
      }
      for (const entity of app.entities.values()) if (spec.servedFor(app, entity)) describeGeneric(spec, { app, entity });
    }
    const hasSlots = [...app.entities.values()].some((e) => Object.keys(e.definition.files ?? {}).length);
    if (app.imports.size || hasSlots) add(UPLOAD_ROUTE.path.replace('{app}', app.id), UPLOAD_ROUTE.method, uploadOperation(app));
    if (hasSlots) add(DOWNLOAD_ROUTE.path.replace('{app}', app.id), DOWNLOAD_ROUTE.method, downloadOperation(app));
    for (const alias of app.routes) {
      const spec: OperationSpec = OPERATION_SPECS[alias.operation];
      const t: OperationTarget = { app, entity: alias.entity ? app.entities.get(alias.entity) : undefined, alias };
      const path = app.basePath + alias.path;
      add(path, alias.method, describeOperation(spec, t, path, { operationId: operationId(app.id, alias.path, alias.operation, alias.event, false), tag: app.name }));
    }
  }

  paths['/v1/apps'] = {
    get: {
      operationId: 'apps',
      summary: 'The apps this server serves, their live release and how their users sign in (what a client needs before sign-in)',
      tags: ['server'],
      security: [],
      responses: { '200': { description: 'The apps', content: { 'application/json': { schema: envelope({ type: 'array', items: ref('AppSummary') }) } } }, ...errorResponses(['BAD_REQUEST', 'INTERNAL'], new Map()) },
    },
  };
  paths['/healthz'] = {
    get: {
      operationId: 'healthz',
      summary: 'Liveness and database check',
      tags: ['server'],
      security: [],
      responses: { '200': { description: 'Healthy', content: { 'application/json': { schema: envelope(ref('Health')) } } }, ...errorResponses(['BAD_REQUEST', 'UNAVAILABLE', 'INTERNAL'], new Map()) },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rulepath',
      version: '1.0.0',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      description: 'Generated from the operation specs and the loaded definitions. Every success has the envelope { success, message?, data, journeyStatus? }; every error is components.schemas.Error.',
    },
    servers: [{ url: '/' }],
    tags,
    paths,
    components: {
      schemas: referencedSchemas(paths, schemas),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        accessCookie: { type: 'apiKey', in: 'cookie', name: 'rp_access', description: 'Web clients (X-Client-Type: web) get the access token in this httpOnly cookie' },
        recordSession: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A public role's record session (eKYC: the journey token): answered by the create in X-Session-Token, refreshed by each call; it opens that one record" },
      },
    },
  };
}

function uploadOperation(app: CompiledApp): JsonSchema {
  return {
    operationId: `${app.id}_generic_uploads_put`,
    summary: UPLOAD_ROUTE.summary,
    tags: [`${app.id} (generic)`],
    security: [],
    parameters: [{ name: 'token', in: 'path', required: true, description: 'From the upload URL', schema: { type: 'string' } }],
    requestBody: { required: true, content: { ...(app.imports.size ? { 'text/csv': { schema: { type: 'string' } } } : {}), 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    responses: {
      [String(UPLOAD_ROUTE.status)]: { description: 'Stored', content: { 'application/json': { schema: envelope(ref('UploadedFile')) } } },
      ...errorResponses(['BAD_REQUEST', 'INTERNAL', ...UPLOAD_ROUTE.errors.filter((c) => c !== 'APP_NOT_FOUND')], new Map()),
    },
  };
}

function downloadOperation(app: CompiledApp): JsonSchema {
  return {
    operationId: `${app.id}_generic_downloads_get`,
    summary: DOWNLOAD_ROUTE.summary,
    tags: [`${app.id} (generic)`],
    security: [],
    parameters: [{ name: 'token', in: 'path', required: true, description: 'From the download URL', schema: { type: 'string' } }],
    responses: {
      [String(DOWNLOAD_ROUTE.status)]: { description: 'The file, as an attachment, of the type judged at its upload', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
      ...errorResponses(['BAD_REQUEST', 'INTERNAL', ...DOWNLOAD_ROUTE.errors.filter((c) => c !== 'APP_NOT_FOUND')], new Map()),
    },
  };
}
