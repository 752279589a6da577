// What a record operation answers: the record (its ETag the version), or, for an alias with a
// `response:` template, an object of the template's keys (eKYC: { leadId, state }).
import type { CompiledApp, CompiledEntity, RouteAliasDef } from '../../engine/index.ts';
import type { JsonSchema, OperationResponse, OperationTarget } from './operation-spec.ts';
import { entitySchemas } from './schemas/entity-schemas.ts';
import { envelope } from './schemas/envelope.ts';
import { entityRef } from './schemas/schema-ref.ts';

const SYSTEM: Record<string, JsonSchema> = { id: { type: 'string', format: 'uuid' }, version: { type: 'integer' } };

/** "{{record.id}}" is the record's id; anything else is text the template makes. */
function templateValue(app: CompiledApp, entity: CompiledEntity, template: string): JsonSchema {
  const m = /^\{\{\s*record\.([A-Za-z0-9_]+)\s*\}\}$/.exec(template);
  const field = m ? (SYSTEM[m[1]!] ?? (entitySchemas(app, entity).record as { properties: Record<string, JsonSchema> }).properties[m[1]!]) : undefined;
  const { readOnly: _r, description: _d, ...schema } = field ?? { type: 'string' };
  // A value the record lacks comes back as null.
  return { anyOf: [schema, { type: 'null' }] };
}

export function shapedRecord(app: CompiledApp, entity: CompiledEntity, alias: RouteAliasDef | undefined): JsonSchema {
  const template = alias?.response;
  if (!template) return entityRef(app, entity, 'record');
  const properties = Object.fromEntries(Object.entries(template).map(([k, v]) => [k, templateValue(app, entity, v)]));
  return { type: 'object', additionalProperties: false, required: Object.keys(template), properties };
}

export function recordAnswer(t: OperationTarget, status: number, shaped = false): OperationResponse {
  const entity = t.entity!;
  const data = shaped ? shapedRecord(t.app, entity, t.alias) : entityRef(t.app, entity, 'record');
  return { status, schema: envelope(data, entity), etag: true };
}
