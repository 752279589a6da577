/**
 * JSON with object keys sorted, so equal content serialises (and hashes) equally whatever its key
 * order: a body sent twice, or a definition read from a file and from PostgreSQL jsonb (which keeps
 * keys in its own order).
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
