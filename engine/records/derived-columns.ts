import type { CompiledEntity } from './compile-entity.ts';

/** "field:value" for each ownership field the record fills; what scoped roles are matched against. */
export function scopeTags(entity: CompiledEntity, data: Record<string, unknown>): string[] {
  const tags: string[] = [];
  for (const field of entity.scopeFields) {
    const value = data[field];
    if (value !== undefined && value !== null && value !== '') tags.push(`${field}:${String(value)}`);
  }
  return tags;
}

/** One row per declared unique key the record fills in completely. */
export function uniqueKeyValues(entity: CompiledEntity, data: Record<string, unknown>): { keyName: string; value: string; fields: readonly string[] }[] {
  const out: { keyName: string; value: string; fields: readonly string[] }[] = [];
  for (const key of entity.uniqueKeys) {
    const parts = key.fields.map((f) => data[f]);
    if (parts.some((p) => p === undefined || p === null || p === '')) continue;
    const value = JSON.stringify(parts.map((p) => (key.caseInsensitive && typeof p === 'string' ? p.toLowerCase() : p)));
    out.push({ keyName: key.name, value, fields: key.fields });
  }
  return out;
}
