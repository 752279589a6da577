// An entity's record, create body and patch body as clients see them, from its compiled schemas
// and the definitions that change what a client sends: a proof token the create takes but never
// stores, amounts a ruleset computes (never sent, read-only), fields a scope or onCreate fills.
import { EVALUATE_BODY_SCHEMA, type CompiledApp, type CompiledEntity } from '../../../engine/index.ts';
import type { JsonSchema } from '../operation-spec.ts';
import { publicSchema } from './public-schema.ts';
import type { EntitySchemaKind } from './schema-ref.ts';

type Properties = Record<string, JsonSchema>;

const pricingOf = (app: CompiledApp, entity: CompiledEntity) => [...app.rulesets.values()].find((rs) => rs.pricing?.entity === entity.name)?.pricing;

/** Fields the server computes, never sent: a ruleset's amounts at creation (a transaction's gross, discount and net) and the entity's declared arithmetic. */
export function computedFields(app: CompiledApp, entity: CompiledEntity): Set<string> {
  return new Set([...Object.values(pricingOf(app, entity)?.amounts ?? {}), ...Object.keys(entity.definition.computed ?? {})]);
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
  // A priced cart is sent as SKUs and quantities (a unit price optional); the record keeps it priced.
  const pricing = pricingOf(app, entity);
  if (pricing && properties[pricing.itemsField]) {
    const { title, description } = properties[pricing.itemsField]!;
    properties[pricing.itemsField] = { ...EVALUATE_BODY_SCHEMA.properties.items, ...(title ? { title } : {}), ...(description ? { description } : {}) };
  }
  const proof = entity.definition.proof;
  if (proof) {
    properties[proof.tokenField] = { type: 'string', minLength: 1, description: `The verificationToken of a verified record OTP for the ${proof.recordField} record` };
    required.push(proof.tokenField);
  }
  return { type: 'object', additionalProperties: false, required, properties };
}

/**
 * Fields to change; with a workflow, naming a new state too (under the workflow's field, or an
 * alias's targetField) makes it one move with those fields.
 */
export function patchBody(app: CompiledApp, entity: CompiledEntity, stateField = entity.workflow?.field): JsonSchema {
  // Fields set at creation only are never accepted in a change (422 FIELD_LOCKED).
  // Nor is a field the server computes (the server's figure is the only one).
  const computed = computedFields(app, entity);
  const changeable = Object.entries(propertiesOf(entity.patchSchema)).filter(([k]) => entity.fields[k]?.immutable !== true && !computed.has(k));
  const properties: Properties = Object.fromEntries(changeable.map(([k, v]) => [k, publicSchema(v)]));
  const wf = entity.workflow;
  if (wf && stateField) {
    // "override" and "remarks" steer the move unless the entity has fields of those names.
    const steer: Properties = { override: { type: 'boolean', description: 'With the state: an override by a role that may' }, remarks: { type: 'string', maxLength: 2000, description: 'With the state: kept in the timeline' } };
    for (const [k, v] of Object.entries(steer)) properties[k] ??= v;
    properties[stateField] = { type: 'string', enum: Object.keys(wf.states), description: 'Move to this state with the fields, in one write' };
  }
  return { type: 'object', additionalProperties: false, minProperties: 1, properties };
}

function record(app: CompiledApp, entity: CompiledEntity): JsonSchema {
  const computed = computedFields(app, entity);
  const wf = entity.workflow;
  const properties: Properties = { id: { type: 'string', format: 'uuid' } };
  for (const [k, v] of Object.entries(propertiesOf(entity.createSchema))) {
    properties[k] = computed.has(k) ? { ...publicSchema(v), readOnly: true, description: 'Computed by the server' } : publicSchema(v);
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
  // A role that may write records it may not read (the eKYC applicant) is answered only where the
  // record stands: id, state, version (and the move).
  const blind = Object.values(app.roles).some((r) => {
    const p = r.permissions?.[entity.name];
    return p !== undefined && !p.read && Boolean(p.create || p.update || p.transition);
  });
  const required = ['id', ...(wf ? [wf.field] : []), 'version', ...(blind ? [] : ['createdBy', 'createdAt', 'updatedAt'])];
  return { type: 'object', required, properties, ...(blind ? { description: 'A role that may not read these records gets only id, state and version' } : {}) };
}

export function entitySchemas(app: CompiledApp, entity: CompiledEntity): Record<EntitySchemaKind, JsonSchema> {
  return { record: record(app, entity), create: createBody(app, entity), patch: patchBody(app, entity) };
}
