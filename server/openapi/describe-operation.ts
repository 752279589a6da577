// One OpenAPI operation from an operation spec, for one app (and entity, and alias).
import type { CompiledApp, ErrorCode } from '../../engine/index.ts';
import type { JsonSchema, OperationSpec, OperationTarget } from '../operations/operation-spec.ts';
import { appErrorCodes } from './app-error-codes.ts';
import { errorResponses } from './error-responses.ts';

/** Every route may answer these: a URL or body that cannot be read, and a bug. */
const ANY_ROUTE: ErrorCode[] = ['BAD_REQUEST', 'INTERNAL'];
const WITH_BODY: ErrorCode[] = ['UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'];
// A concrete path names an app and entity that exist.
const NOT_AT_CONCRETE_PATHS = new Set<ErrorCode>(['APP_NOT_FOUND', 'ENTITY_NOT_FOUND']);

export const SIGNED_IN = [{ bearer: [] }, { accessCookie: [] }];

const IF_MATCH = { name: 'If-Match', in: 'header', required: false, description: 'The version you read ("3"); a stale one answers 412', schema: { type: 'string' } };
const ETAG = { ETag: { description: 'The record version ("3"), for If-Match', schema: { type: 'string' } } };

const SESSION_HEADERS = {
  'X-Session-Token': { description: 'The record session (eKYC: the journey token): send it as "Authorization: Bearer <token>" with the next call on this record; each call answers a fresh one', schema: { type: 'string' } },
  'X-Session-Expires-In': { description: 'Seconds the token in X-Session-Token lasts', schema: { type: 'string' } },
};

/** Whether the public role reaches this operation's records by a record session (auth/record-session.ts). */
function bySession(app: CompiledApp, spec: OperationSpec, t: OperationTarget): boolean {
  const role = Object.values(app.roles).find((r) => r.public);
  return Boolean(publicRoleMay(app, spec, t) && t.entity && role?.permissions?.[t.entity.name]?.session);
}

function publicRoleMay(app: CompiledApp, spec: OperationSpec, t: OperationTarget): boolean {
  const role = Object.values(app.roles).find((r) => r.public);
  if (!role) return false;
  if (!spec.permission) return true;
  return Boolean(t.entity && role.permissions?.[t.entity.name]?.[spec.permission]);
}

export function securityOf(spec: OperationSpec, t: OperationTarget): JsonSchema[] {
  if (spec.auth === 'public') return [];
  // An app with a public role (eKYC's applicant) takes calls without credentials as that role;
  // where the role has a record session, only its create does: the rest need the session's token.
  if (spec.auth === 'actor-or-public' && bySession(t.app, spec, t) && spec.permission !== 'create') return [{ recordSession: [] }, ...SIGNED_IN];
  if (spec.auth === 'actor-or-public' && publicRoleMay(t.app, spec, t)) return [{}, ...SIGNED_IN];
  return SIGNED_IN;
}

export function describeOperation(spec: OperationSpec, t: OperationTarget, path: string, extra: { operationId: string; tag: string }): JsonSchema {
  const params = spec.params?.(t) ?? {};
  const parameters: JsonSchema[] = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: params[m[1]!] ?? { type: 'string' } }));
  for (const [name, schema] of Object.entries(spec.query?.(t) ?? {})) {
    parameters.push({ name, in: 'query', required: false, schema, ...(schema.type === 'array' ? { style: 'form', explode: true } : {}) });
  }
  if (spec.ifMatch) parameters.push(IF_MATCH);
  const body = spec.body?.(t);
  const answer = spec.response(t);
  // A call made with a record session answers a fresh token; so does one that makes a session.
  const tokenAnswered = answer.sessionToken === true || (spec.auth !== 'public' && bySession(t.app, spec, t));
  const codes = [...ANY_ROUTE, ...(body ? WITH_BODY : []), ...spec.errors].filter((c) => !NOT_AT_CONCRETE_PATHS.has(c));
  return {
    operationId: extra.operationId,
    summary: t.alias?.summary ?? spec.summary(t),
    description: `Operation \`${spec.name}\`${t.alias ? ' (a seed endpoint, an alias of the generic route)' : ''}.`,
    tags: [extra.tag],
    'x-operation': spec.name,
    security: securityOf(spec, t),
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: { required: !spec.bodyOptional?.(t), content: { [spec.multipart ? 'multipart/form-data' : 'application/json']: { schema: body } } } } : {}),
    responses: {
      [String(answer.status)]: {
        description: 'Success',
        ...(answer.etag || tokenAnswered ? { headers: { ...(answer.etag ? ETAG : {}), ...(tokenAnswered ? SESSION_HEADERS : {}) } } : {}),
        content: { [answer.contentType ?? 'application/json']: { schema: answer.schema } },
      },
      ...errorResponses(codes, appErrorCodes(t.entity)),
    },
  };
}
