// One CSV row -> the changes it asks for: field values converted from text, the key it is matched
// on, and the target state when the import moves records. Problems carry the column they are in.
import type { ImportColumn, ImportDef } from '../registry/definition-types.ts';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../support/storable-text.ts';

export interface RowProblem {
  row: number;
  column: string;
  message: string;
}

export interface RowChanges {
  key?: string;
  fields: Record<string, unknown>;
  target?: string;
  problems: RowProblem[];
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

const targetOf = (c: ImportColumn) => (typeof c === 'string' ? { field: c, type: undefined } : 'field' in c ? c : undefined);

/** The field a column writes, for mapping a record error ($.mrp) back to its column. */
export function columnOf(def: ImportDef): (field: string) => string {
  const byField = new Map<string, string>();
  for (const [column, c] of Object.entries(def.columns)) {
    const t = targetOf(c);
    if (t) byField.set(t.field, column);
  }
  return (field) => byField.get(field) ?? '';
}

export function rowChanges(def: ImportDef, row: Readonly<Record<string, string>>, rowNumber: number): RowChanges {
  const fields: Record<string, unknown> = {};
  const problems: RowProblem[] = [];
  let target: string | undefined;
  for (const [column, c] of Object.entries(def.columns)) {
    const text = row[column];
    if (text === undefined || text === '') continue; // an empty cell leaves the field as it is
    // A file never passed the JSON edge: a NUL in a cell would fail the write and stop the whole job.
    if (!isStorableText(text)) {
      problems.push({ row: rowNumber, column, message: UNSTORABLE_TEXT_MESSAGE });
      continue;
    }
    if (typeof c === 'object' && 'transition' in c) {
      target = text;
      continue;
    }
    const { field, type } = targetOf(c)!;
    if (type === 'number' || type === 'integer') {
      const n = Number(text);
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) problems.push({ row: rowNumber, column, message: `"${text}" is not ${type === 'integer' ? 'a whole number' : 'a number'}` });
      else fields[field] = n;
    } else if (type === 'boolean') {
      const t = text.toLowerCase();
      if (TRUE.has(t)) fields[field] = true;
      else if (FALSE.has(t)) fields[field] = false;
      else problems.push({ row: rowNumber, column, message: `"${text}" is not true or false` });
    } else fields[field] = text;
  }
  const key = fields[def.key];
  if (typeof key !== 'string' || key === '') {
    const column = columnOf(def)(def.key);
    if (!problems.some((p) => p.column === column)) problems.push({ row: rowNumber, column, message: `"${column}" is required to match the row` });
  }
  if (def.key === 'id') delete fields.id;
  return { key: typeof key === 'string' ? key : undefined, fields, target, problems };
}
