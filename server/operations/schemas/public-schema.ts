// Entity field schemas carry the engine's own ajv keywords (label, errorCode, editableIn,
// immutable, mask, store). Clients and OpenAPI tools know none of them: they become title and description.
import type { JsonSchema } from '../operation-spec.ts';

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMAS = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else'];

export function publicSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  const notes: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'label') out.title = value;
    else if (key === 'errorCode') notes.push(`Invalid values answer the error code ${String(value)}.`);
    else if (key === 'immutable') notes.push(value ? 'Set at creation; never changed afterwards.' : '');
    else if (key === 'editableIn') notes.push(`Can be changed only while the record is in: ${(value as string[]).join(', ')}.`);
    else if (key === 'mask') notes.push(value ? 'A document number: shown by its last four characters outside the record (timeline, events, messages).' : '');
    else if (key === 'store') notes.push(value === false ? 'Used by this step only; never stored.' : '');
    else if (SCHEMA_MAPS.includes(key)) out[key] = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, publicSchema(v)]));
    else if (SCHEMA_LISTS.includes(key)) out[key] = (value as JsonSchema[]).map(publicSchema);
    else if (SCHEMAS.includes(key) && value !== null && typeof value === 'object') out[key] = publicSchema(value as JsonSchema);
    else out[key] = value;
  }
  const description = [out.description, ...notes].filter(Boolean).join(' ');
  if (description) out.description = description;
  return out;
}
