import type { JsonSchema } from '../operations/operation-spec.ts';

const PREFIX = '#/components/schemas/';

/** The schemas reachable from the paths: an entity's patch body nobody may send is left out. */
export function referencedSchemas(paths: unknown, schemas: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const keep = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(PREFIX)) {
        const name = value.slice(PREFIX.length);
        if (!keep.has(name) && schemas[name]) {
          keep.add(name);
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(paths);
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => keep.has(name)));
}
