// A definition read back from PostgreSQL has lost its authored key order (jsonb keeps keys in its
// own order: shortest first). Written back to a file it must read as a person would write it, and
// the same content must always give the same text: `$schema` and `kind` first, then the keys an
// earlier version of the file had in the order it had them, then the order of the kind's JSON
// Schema properties, then the rest (names as data: states, fields, roles) alphabetically.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDefinitionKind, SCHEMA_DIR } from './definition-schemas.ts';
import { kindModuleOf } from './definition-kinds.ts';

type Json = unknown;
type SchemaObject = Record<string, unknown>;
/** A subschema and the URL its `$ref`s resolve against. */
interface Located {
  schema: SchemaObject;
  base: string;
}

const SCHEMA_BASE = 'https://rulepath.dev/schema/';
const FIRST = ['$schema', 'kind'];

let schemasById: Map<string, SchemaObject> | undefined;

/** Every kind's schema file by its `$id`, read once per process. */
function schemas(): Map<string, SchemaObject> {
  schemasById ??= new Map(
    readdirSync(SCHEMA_DIR)
      .filter((f) => f.endsWith('.schema.json'))
      .map((f) => JSON.parse(readFileSync(path.join(SCHEMA_DIR, f), 'utf8')) as SchemaObject)
      .map((s) => [String(s.$id), s]),
  );
  return schemasById;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The subschema a `$ref` names (a JSON pointer in a schema file), if there is one. */
function resolveRef(ref: string, base: string): Located | undefined {
  const url = new URL(ref, base);
  const file = `${url.origin}${url.pathname}`;
  let node: unknown = schemas().get(file);
  for (const part of url.hash.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = isObject(node) ? node[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return isObject(node) ? { schema: node, base: file } : undefined;
}

/** A schema with its `$ref`s and combinators flattened: every subschema that may describe the value. */
function expand(located: readonly Located[], seen = new Set<string>()): Located[] {
  const out: Located[] = [];
  for (const l of located) {
    out.push(l);
    const { schema, base } = l;
    if (typeof schema.$ref === 'string') {
      const key = new URL(schema.$ref, base).href;
      const target = seen.has(key) ? undefined : resolveRef(schema.$ref, base);
      if (target) out.push(...expand([target], new Set(seen).add(key)));
    }
    for (const combinator of ['allOf', 'anyOf', 'oneOf']) {
      const list = schema[combinator];
      if (Array.isArray(list)) out.push(...expand(list.filter(isObject).map((s) => ({ schema: s, base })), seen));
    }
    for (const branch of ['then', 'else']) {
      const s = schema[branch];
      if (isObject(s)) out.push(...expand([{ schema: s, base }], seen));
    }
  }
  return out;
}

/** The subschemas of the value under `key` of an object the schemas describe. */
function propertySchemas(located: readonly Located[], key: string): Located[] {
  const out: Located[] = [];
  for (const { schema, base } of located) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const patterns = isObject(schema.patternProperties) ? schema.patternProperties : {};
    const byPattern = Object.entries(patterns).filter(([p]) => new RegExp(p, 'u').test(key));
    if (isObject(properties[key])) out.push({ schema: properties[key], base });
    else if (byPattern.length) out.push(...byPattern.filter(([, s]) => isObject(s)).map(([, s]) => ({ schema: s as SchemaObject, base })));
    else if (isObject(schema.additionalProperties)) out.push({ schema: schema.additionalProperties, base });
  }
  return expand(out);
}

/** The subschemas of the item at `index` of a list the schemas describe. */
function itemSchemas(located: readonly Located[], index: number): Located[] {
  const out: Located[] = [];
  for (const { schema, base } of located) {
    const items = schema.items;
    if (isObject(items)) out.push({ schema: items, base });
    else if (Array.isArray(items) && isObject(items[index])) out.push({ schema: items[index] as SchemaObject, base });
    else if (Array.isArray(items) && isObject(schema.additionalItems)) out.push({ schema: schema.additionalItems, base });
  }
  return expand(out);
}

/** The properties the schemas name, in the order they name them. */
function declaredOrder(located: readonly Located[]): string[] {
  const keys = new Set<string>();
  for (const { schema } of located) if (isObject(schema.properties)) for (const k of Object.keys(schema.properties)) keys.add(k);
  return [...keys];
}

function ordered(value: Json, located: readonly Located[], hint: Json, top: boolean): Json {
  if (Array.isArray(value)) return value.map((v, i) => ordered(v, itemSchemas(located, i), Array.isArray(hint) ? hint[i] : undefined, false));
  if (!isObject(value)) return value;
  const present = new Set(Object.keys(value));
  const keys = new Set<string>();
  const take = (list: Iterable<string>) => {
    for (const k of list) if (present.has(k)) keys.add(k);
  };
  if (top) take(FIRST);
  if (isObject(hint)) take(Object.keys(hint));
  take(declaredOrder(located));
  take([...present].sort());
  const out: Record<string, Json> = {};
  for (const k of keys) out[k] = ordered(value[k], propertySchemas(located, k), isObject(hint) ? hint[k] : undefined, false);
  return out;
}

/**
 * A copy of a definition with every object's keys in a readable, stable order. `authored`, an
 * earlier version of the same definition as a file had it, lends its key order where it has the key.
 */
export function orderDefinitionKeys(content: Json, authored?: Json): Json {
  const kind = isObject(content) ? content.kind : undefined;
  const root = isDefinitionKind(kind) ? resolveRef(kindModuleOf(kind).schemaFile, SCHEMA_BASE) : undefined;
  return ordered(content, root ? expand([root]) : [], authored, true);
}
