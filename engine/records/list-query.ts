import { AppError, type ErrorDetail } from '../errors/app-error.ts';
import { isStorableText } from '../support/storable-text.ts';
import type { CompiledEntity } from './compile-entity.ts';
import { isTimestampSort } from './record-store.ts';
import { UUID_RE } from '../support/uuid.ts';

export interface ListQuery {
  filters: { field: string; values: string[] }[];
  sort: { field: string; descending: boolean };
  limit: number;
  cursor?: { value: unknown; id: string };
}

const RESERVED = new Set(['sort', 'limit', 'cursor']);
const MAX_LIMIT = 100;

const NONE: ReadonlySet<string> = new Set();

/**
 * Parses ?field=value&sort=-field&limit=&cursor= against what the entity declares filterable/sortable.
 * A field hidden from the caller's role is refused by name: filtering on it would tell its values.
 */
export function parseListQuery(entity: CompiledEntity, query: Record<string, unknown>, hidden: ReadonlySet<string> = NONE, role = ''): ListQuery {
  const details: ErrorDetail[] = [];
  const stateField = entity.workflow?.field;
  const filters: ListQuery['filters'] = [];
  for (const [key, raw] of Object.entries(query)) {
    if (RESERVED.has(key)) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    if (hidden.has(key)) {
      details.push({ path: `$.query.${key}`, message: `Role "${role}" may not filter on "${key}"` });
    } else if (!entity.filterable.has(key) && key !== stateField) {
      details.push({ path: `$.query.${key}`, message: `"${key}" is not a filterable field of ${entity.name}` });
    } else if (values.length === 0 || values.length > 50) {
      details.push({ path: `$.query.${key}`, message: 'Give between 1 and 50 values' });
    } else filters.push({ field: key, values });
  }

  let sort = { field: 'createdAt', descending: true };
  if (query.sort !== undefined) {
    const s = typeof query.sort === 'string' ? query.sort : '';
    const field = s.replace(/^[-+]/, '');
    if (hidden.has(field)) details.push({ path: '$.query.sort', message: `Role "${role}" may not sort on "${field}"` });
    else if (!entity.sortable.has(field)) details.push({ path: '$.query.sort', message: `Sort by one of: ${[...entity.sortable].filter((f) => !hidden.has(f)).join(', ')} (prefix - for descending)` });
    else sort = { field, descending: s.startsWith('-') };
  }

  let limit = 20;
  if (query.limit !== undefined) {
    const n = typeof query.limit === 'string' && /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : NaN;
    if (!(n >= 1 && n <= MAX_LIMIT)) details.push({ path: '$.query.limit', message: `limit must be a whole number from 1 to ${MAX_LIMIT}` });
    else limit = n;
  }

  let cursor: ListQuery['cursor'];
  if (query.cursor !== undefined) {
    cursor = decodeCursor(query.cursor, entity, sort.field);
    if (!cursor) details.push({ path: '$.query.cursor', message: 'The cursor is not one this server issued' });
  }
  if (details.length) throw new AppError('BAD_REQUEST', 'The query is not valid', { details });
  return { filters, sort, limit, cursor };
}

export function encodeCursor(value: unknown, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

// A cursor is client text, and its value reaches SQL cast to the sort's type: it must be a value
// this server could have issued for that sort, or the cast (not the client) would be blamed.
function decodeCursor(raw: unknown, entity: CompiledEntity, sortField: string): ListQuery['cursor'] | undefined {
  if (typeof raw !== 'string' || raw.length > 2000) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string' || !UUID_RE.test(parsed[1])) return undefined;
  const [value, id] = parsed as [unknown, string];
  return fitsSort(value, entity, sortField) ? { value, id } : undefined;
}

// What the server issues: a timestamp column's toISOString() (four-digit years; PostgreSQL has no
// year 0), or a JSONB field's value, a scalar or null unless the field holds objects or arrays.
const ISSUED_TIMESTAMP = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function fitsSort(value: unknown, entity: CompiledEntity, sortField: string): boolean {
  if (isTimestampSort(sortField)) {
    // Round trip, so a day that does not exist (Date rolls 30 February over) is refused too.
    const ms = typeof value === 'string' && ISSUED_TIMESTAMP.test(value) ? Date.parse(value) : NaN;
    return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
  }
  const type = entity.fields[sortField]?.type;
  if (value !== null && typeof value === 'object' && type !== 'object' && type !== 'array') return false;
  return jsonbTakes(value);
}

/** jsonb refuses NUL and lone surrogates in strings and keys alike. */
function jsonbTakes(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (value === null || typeof value !== 'object') return true;
  return Object.entries(value).every(([k, v]) => isStorableText(k) && jsonbTakes(v));
}
