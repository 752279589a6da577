// The checks of a document a JSON Schema cannot express, each with its path and a sentence: the
// texts compile (safely), every value is a plain path over { record, app, now }, and where the
// document names its entity, every record field it prints exists — with a format that suits it —
// and its table reads an array field whose items have the columns' properties.
import type { DefinitionProblem, EntityDef, FieldSchema } from '../registry/definition-types.ts';
import { isValidPath } from '../support/object-path.ts';
import { compileDocument } from './compile-document.ts';
import type { DocumentDef, DocumentFormat } from './document-def.ts';

/** What a document's texts and values may read. */
export const DOCUMENT_ROOTS = ['record', 'app', 'now'] as const;
const APP_FIELDS = ['id', 'name'];
const SYSTEM_FIELDS = ['id', 'version', 'createdBy', 'createdAt', 'updatedAt'];
const NUMERIC: readonly DocumentFormat[] = ['money', 'number', 'integer', 'percent'];

/** The entity fields and the state field a document may name on `record`, or undefined when it names no entity. */
export interface DocumentEntity {
  definition: EntityDef;
  stateField?: string;
}

function fitsFormat(field: FieldSchema, format: DocumentFormat | undefined): boolean {
  if (!format || format === 'text') return field.type !== 'object' && field.type !== 'array';
  if (NUMERIC.includes(format)) return field.type === 'number' || field.type === 'integer';
  return field.type === 'string' && (field.format === 'date' || field.format === 'date-time');
}

export function checkDocument(file: string, def: DocumentDef, entity: DocumentEntity | undefined): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const fields = entity?.definition.fields;
  const fieldOf = (name: string): FieldSchema | 'system' | undefined => {
    if (fields && Object.hasOwn(fields, name)) return fields[name];
    if (SYSTEM_FIELDS.includes(name) || name === entity?.stateField) return 'system';
    return undefined;
  };

  /** One path over { record, app, now }; `format` is checked against the field it names. */
  const checkPath = (ref: string, at: string, format?: DocumentFormat) => {
    const parts = ref.split('.');
    const root = parts[0] ?? '';
    if (!isValidPath(ref) || !(DOCUMENT_ROOTS as readonly string[]).includes(root)) return add(at, `"${ref}" must be a plain path under ${DOCUMENT_ROOTS.join(', ')}`);
    if (root === 'app' && parts.length > 1 && !APP_FIELDS.includes(parts[1]!)) return add(at, `"${ref}": the app has only ${APP_FIELDS.join(' and ')}`);
    if (root === 'now' && parts.length > 1) return add(at, `"${ref}": now is a time, with no fields`);
    if (root !== 'record' || !entity || parts.length < 2) return;
    const field = fieldOf(parts[1]!);
    if (!field) return add(at, `"${ref}": entity "${entity.definition.name}" has no field "${parts[1]}"`);
    if (field !== 'system' && parts.length === 2 && format !== undefined && !fitsFormat(field, format)) {
      add(at, `"${ref}" is a ${field.format ?? field.type} field: it cannot be printed as ${format}`);
    }
  };

  const compiled = compileDocument(def, file);
  problems.push(...compiled.problems);
  for (const [path, text] of compiled.document?.texts ?? []) for (const v of text.variables) checkPath(v, path);

  def.sections.forEach((section, i) => {
    const at = `$.sections[${i}]`;
    if ('fields' in section) section.fields.forEach((f, j) => checkPath(f.value, `${at}.fields[${j}].value`, f.format));
    if ('totals' in section) section.totals.forEach((f, j) => checkPath(f.value, `${at}.totals[${j}].value`, f.format));
    if ('table' in section) {
      const { rows, columns } = section.table;
      let items: Record<string, FieldSchema> | undefined;
      if (!isValidPath(rows) || rows.includes('.')) add(`${at}.table.rows`, `"${rows}" must name an array field of the record`);
      else if (fields) {
        const field = fields[rows];
        if (!field || !Object.hasOwn(fields, rows)) add(`${at}.table.rows`, `Entity "${entity!.definition.name}" has no field "${rows}"`);
        else if (field.type !== 'array') add(`${at}.table.rows`, `"${rows}" is a ${field.type} field: a table needs an array field`);
        else items = (field.items as FieldSchema | undefined)?.properties as Record<string, FieldSchema> | undefined;
      }
      columns.forEach((c, j) => {
        const path = `${at}.table.columns[${j}].value`;
        if (!isValidPath(c.value) || c.value.startsWith('$')) return add(path, `"${c.value}" must be a plain path inside one row`);
        const head = c.value.split('.')[0]!;
        if (items && !Object.hasOwn(items, head)) return add(path, `The items of "${rows}" have no property "${head}"`);
        const prop = items?.[head];
        if (prop && !c.value.includes('.') && c.format !== undefined && !fitsFormat(prop, c.format)) add(path, `"${c.value}" is a ${prop.format ?? prop.type} property: it cannot be printed as ${c.format}`);
      });
    }
  });
  return problems;
}
