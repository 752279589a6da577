// A route is one object (Fastify's lib/route.js): method, generic path, who may call, the shapes of
// its parameters, body, answer and errors, and its handler. The route table and /openapi.json are
// both generated from these specs, so the served API and its description cannot drift apart.
import type { Request, Response } from 'express';
import type { CompiledApp, CompiledEntity, Engine, ErrorCode, Operation, RouteAliasDef } from '../../engine/index.ts';
import type { OperationResult } from './operation-result.ts';

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What one call is about: the app, and what the route (or its alias) names. */
export interface OperationCall {
  app: string;
  /** The alias that routed here, when one did (policy, idFrom, response shape, public). */
  route?: RouteAliasDef;
  entity?: string;
  id?: string;
  event?: string;
  targetField?: string;
  /** Other path parameters ({ruleset}, {import}, {policy}, or {entity} of /v1/csv-jobs/{entity}/...). */
  params?: Record<string, string | undefined>;
}

export type OperationHandler = (engine: Engine, req: Request, call: OperationCall, res: Response) => Promise<OperationResult>;

/** What a description is about: an app, the entity a per-entity route is for, the alias if any. */
export interface OperationTarget {
  app: CompiledApp;
  entity?: CompiledEntity;
  alias?: RouteAliasDef;
}

export interface OperationResponse {
  status: number;
  schema: JsonSchema;
  /** application/json unless said otherwise (an error report is text/csv). */
  contentType?: string;
  /** The record version as an ETag header. */
  etag?: boolean;
  /** Answers a record session's token (X-Session-Token) though the call itself needs none (a resumed session). */
  sessionToken?: boolean;
}

/**
 * - bearer: a signed-in user (Authorization: Bearer, or the access cookie of web clients);
 * - public: no credentials (sign-in itself);
 * - actor-or-public: a signed-in user, or, in an app with a public role, anyone as that role.
 */
export type OperationAuth = 'bearer' | 'public' | 'actor-or-public';

/** What an operation does to an entity's records, as role permissions name it. */
export type EntityAction = 'read' | 'create' | 'update' | 'delete' | 'transition';

export interface OperationSpec<N extends Operation = Operation> {
  name: N;
  method: HttpMethod;
  /** Express-independent path template: '/v1/apps/{app}/records/{entity}/{id}'; none: only aliases serve it. */
  genericPath?: string;
  summary(t: OperationTarget): string;
  auth: OperationAuth;
  /** The entity permission it needs: a public role without it may not call it anonymously. */
  permission?: EntityAction;
  /** Path parameters besides {app} and {entity} (which the description makes concrete), by name. */
  params?(t: OperationTarget): Record<string, JsonSchema>;
  query?(t: OperationTarget): Record<string, JsonSchema>;
  /** Takes If-Match: "<version>" (412 when stale). */
  ifMatch?: boolean;
  /** The body is multipart/form-data (a file upload, streamed by the handler): `body` describes its parts. */
  multipart?: boolean;
  /** The JSON body; none when absent. */
  body?(t: OperationTarget): JsonSchema;
  /** The body may be left out (a web client's refresh: the cookie carries the token). */
  bodyOptional?(t: OperationTarget): boolean;
  response(t: OperationTarget): OperationResponse;
  /** Catalog codes this operation can answer besides those of every route (error-catalog.ts). */
  errors: readonly ErrorCode[];
  /** Whether the app (and entity) gives this operation anything to do: only those are described. */
  servedFor(app: CompiledApp, entity?: CompiledEntity): boolean;
  handler: OperationHandler;
}
