// An entity's record, create body and patch body as clients see them, from its compiled schemas
// and the definitions that change what a client sends: a proof token the create takes but never
// stores, amounts a ruleset computes (never sent, read-only), fields a scope or onCreate fills.
import type { CompiledApp, CompiledEntity } from '../../../engine/index.ts';
import type { JsonSchema } from '../operation-spec.ts';
import { publicSchema } from './public-schema.ts';
import type { EntitySchemaKind } from './schema-ref.ts';

type Properties = Record<string, JsonSchema>;

/** Fields a ruleset computes at creation (a transaction's gross, discount and net). */
export function computedFields(app: CompiledApp, entity: CompiledEntity): Set<string> {
  return new Set([...app.rulesets.values()].flatMap((rs) => (rs.pricing?.entity === entity.name ? Object.values(rs.pricing.amounts) : [])));
}

/** Fields the server fills at creation when the body leaves them out. */
function filledOnCreate(entity: CompiledEntity): Set<string> {
  const set = (entity.workflow?.onCreate ?? []).flatMap((e) => ('set' in e ? Object.keys(e.set) : []));
  const copied = Object.keys(entity.definition.proof?.copy ?? {});
  return new Set([...entity.scopeFields, ...set, ...copied]);
}

const propertiesOf = (schema: object) => (schema as { properties: Properties }).properties;

function createBody(app: CompiledApp, entity: CompiledEntity): JsonSchema {
  const computed = computedFields(app, entity);
  const filled = filledOnCreate(entity);
  const properties: Properties = Object.fromEntries(Object.entries(propertiesOf(entity.createSchema)).filter(([k]) => !computed.has(k)).map(([k, v]) => [k, publicSchema(v)]));
  for (const k of filled) {
    if (properties[k]) properties[k] = { ...properties[k], description: [properties[k]!.description, 'Filled by the server when left out (your scope, or the verification).'].filter(Boolean).join(' ') };
  }
  const required = ((entity.createSchema as { required?: string[] }).required ?? []).filter((k) => !computed.has(k) && !filled.has(k));
  const proof = entity.definition.proof;
  if (proof) {
    properties[proof.tokenField] = { type: 'string', minLength: 1, description: `The verificationToken of a verified record OTP for the ${proof.recordField} record` };
    required.push(proof.tokenField);
  }
  return { type: 'object', additionalProperties: false, required, properties };
}

function patchBody(entity: CompiledEntity): JsonSchema {
  const properties = Object.fromEntries(Object.entries(propertiesOf(entity.patchSchema)).map(([k, v]) => [k, publicSchema(v)]));
  return { type: 'object', additionalProperties: false, minProperties: 1, properties };
}

function record(app: CompiledApp, entity: CompiledEntity): JsonSchema {
  const computed = computedFields(app, entity);
  const wf = entity.workflow;
  const properties: Properties = { id: { type: 'string', format: 'uuid' } };
  for (const [k, v] of Object.entries(propertiesOf(entity.createSchema))) {
    properties[k] = computed.has(k) ? { ...publicSchema(v), readOnly: true, description: 'Computed by the server at creation' } : publicSchema(v);
  }
  if (wf) properties[wf.field] = { type: 'string', enum: Object.keys(wf.states), description: `The ${wf.name} state` };
  Object.assign(properties, {
    version: { type: 'integer', minimum: 1, description: 'Send it back as If-Match to change this version only' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  });
  if (wf) {
    properties.allowedEvents = { type: 'array', items: { type: 'string', enum: [...wf.events] }, description: 'The events you may fire now (a read, or after a move)' };
    properties.transition = { $ref: '#/components/schemas/Transition', description: 'The move just made' };
  }
  return { type: 'object', required: ['id', ...(wf ? [wf.field] : []), 'version', 'createdBy', 'createdAt', 'updatedAt'], properties };
}

export function entitySchemas(app: CompiledApp, entity: CompiledEntity): Record<EntitySchemaKind, JsonSchema> {
  return { record: record(app, entity), create: createBody(app, entity), patch: patchBody(entity) };
}
