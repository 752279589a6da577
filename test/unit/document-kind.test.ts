// The `document` kind and the `render` effect, checked at load: every problem with its file, JSON
// path and a sentence (Solarium's quotation document, broken one way at a time).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../engine/documents/format-value.ts';
import { renderPdf } from '../../engine/documents/render-pdf.ts';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ file: `solarium/${f}`, content: parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, any> }));

/** Solarium (the quotation, its document and its render on create), changed by `change`. */
function problemsOf(change: (files: Map<string, Record<string, any>>) => void = () => {}) {
  const files = new Map(yamlIn(path.join(ROOT, 'definitions/solarium')).map((f) => [f.file, f.content]));
  change(files);
  const result = compileAppFiles([...files].map(([file, content]) => ({ file, content })));
  return { problems: result.problems.filter((p) => p.severity !== 'warning'), app: result.app };
}
const DOC = 'solarium/quotation.document.yaml';
const ENTITY = 'solarium/quotation.entity.yaml';
const doc = (f: Map<string, Record<string, any>>) => f.get(DOC)!;

describe('document kind', () => {
  it('accepts the quotation document and compiles it into the app', () => {
    const { problems, app } = problemsOf();
    expect(problems).toEqual([]);
    expect([...app!.documents.keys()]).toEqual(['quotation']);
  });

  it('names a record field the entity lacks, in a value, a total and a text', () => {
    const { problems } = problemsOf((f) => {
      doc(f).sections[1].fields[0].value = 'record.capacity';
      doc(f).sections[4].totals[4].value = 'record.netAmount';
      doc(f).footer = 'Quotation {{record.reference}}';
    });
    expect(problems).toEqual([
      { file: DOC, path: '$.footer', message: '"record.reference": entity "quotation" has no field "reference"' },
      { file: DOC, path: '$.sections[1].fields[0].value', message: '"record.capacity": entity "quotation" has no field "capacity"' },
      { file: DOC, path: '$.sections[4].totals[4].value', message: '"record.netAmount": entity "quotation" has no field "netAmount"' },
    ]);
  });

  it('refuses an unknown format (by its schema) and a format that does not suit the field', () => {
    expect(problemsOf((f) => (doc(f).sections[4].totals[0].format = 'rupees')).problems).toEqual([
      { file: DOC, path: '$.sections[4].totals[0].format', message: 'Must be one of: "text", "money", "number", "integer", "date", "datetime", "percent"' },
    ]);
    expect(problemsOf((f) => (doc(f).sections[1].fields[1].format = 'money')).problems).toEqual([
      { file: DOC, path: '$.sections[1].fields[1].value', message: '"record.phase" is a string field: it cannot be printed as money' },
    ]);
  });

  it('refuses templates that do not compile, run helpers or reach a prototype', () => {
    const { problems } = problemsOf((f) => {
      doc(f).title = 'Quotation {{#if record.id}';
      doc(f).header = '{{lookup record "constructor"}}';
      doc(f).sections[0].heading = '{{record.__proto__.x}}';
    });
    expect(problems.map((p) => [p.path, p.message.split(':')[0]])).toEqual([
      ['$.title', 'This text is not a valid template'],
      ['$.header', 'This text uses "lookup", which is not a known helper (if, unless, each, with)'],
      ['$.sections[0].heading', 'This text may not use "__proto__"'],
    ]);
    expect(problems.every((p) => p.file === DOC)).toBe(true);
  });

  it('refuses paths outside record, app and now, and a path that is not plain', () => {
    const { problems } = problemsOf((f) => {
      doc(f).header = '{{actor.id}} {{app.secret}}';
      doc(f).sections[1].fields[0].value = 'process.env';
    });
    expect(problems).toEqual([
      { file: DOC, path: '$.header', message: '"actor.id" must be a plain path under record, app, now' },
      { file: DOC, path: '$.header', message: '"app.secret": the app has only id and name' },
      { file: DOC, path: '$.sections[1].fields[0].value', message: '"process.env" must be a plain path under record, app, now' },
    ]);
  });

  it('checks a table against its array field and the properties of its items', () => {
    expect(problemsOf((f) => (doc(f).sections[3].table.rows = 'costLines')).problems).toEqual([{ file: DOC, path: '$.sections[3].table.rows', message: 'Entity "quotation" has no field "costLines"' }]);
    expect(problemsOf((f) => (doc(f).sections[3].table.rows = 'location')).problems).toEqual([{ file: DOC, path: '$.sections[3].table.rows', message: '"location" is a string field: a table needs an array field' }]);
    const { problems } = problemsOf((f) => {
      doc(f).sections[3].table.columns[0].value = 'name';
      doc(f).sections[3].table.columns[2].format = 'date';
    });
    expect(problems).toEqual([
      { file: DOC, path: '$.sections[3].table.columns[0].value', message: 'The items of "lines" have no property "name"' },
      { file: DOC, path: '$.sections[3].table.columns[2].value', message: '"unitPrice" is a number property: it cannot be printed as date' },
    ]);
  });

  it('refuses an entity the app does not define', () => {
    expect(problemsOf((f) => (doc(f).entity = 'invoice')).problems).toEqual([{ file: DOC, path: '$.entity', message: 'Entity "invoice" is not defined in this app' }]);
  });
});

describe('render effect (load-time checks)', () => {
  it('names a document that does not exist, one of another entity, and a field that cannot hold it', () => {
    expect(problemsOf((f) => (f.get(ENTITY)!.onCreate[0].render.document = 'invoice')).problems).toEqual([
      { file: ENTITY, path: '$.onCreate[0].render.document', message: 'Document "invoice" is not defined in this app' },
    ]);
    expect(problemsOf((f) => (f.get(ENTITY)!.onCreate[0].render.field = 'pdfKey')).problems).toEqual([{ file: ENTITY, path: '$.onCreate[0].render.field', message: 'Entity "quotation" has no field "pdfKey"' }]);
    expect(problemsOf((f) => (f.get(ENTITY)!.onCreate[0].render.field = 'location')).problems).toEqual([
      { file: ENTITY, path: '$.onCreate[0].render.field', message: '"location" receives the stored document\'s key and hash: it must be a field of type object' },
    ]);
    const onLead = problemsOf((f) => (f.get('solarium/lead-status.workflow.yaml')!.effects = [{ render: { document: 'quotation', field: 'name' } }])).problems;
    expect(onLead).toEqual([
      { file: 'solarium/lead-status.workflow.yaml', path: '$.effects[0].render.document', message: 'Document "quotation" prints quotation records, not lead' },
      { file: 'solarium/lead-status.workflow.yaml', path: '$.effects[0].render.field', message: '"name" receives the stored document\'s key and hash: it must be a field of type object' },
    ]);
  });
});

describe('document output', () => {
  it('formats money in rupees as "Rs" with Indian grouping, and dates in UTC', () => {
    expect(formatValue(163350, 'money')).toBe('Rs 1,63,350.00');
    expect(formatValue(0.089, 'percent')).toBe('8.9%');
    expect(formatValue(3.24, 'number')).toBe('3.24');
    expect(formatValue('2026-11-30T23:30:00.000Z', 'date')).toBe('30 Nov 2026');
    expect(formatValue('2026-11-30T23:30:00.000Z', 'datetime')).toBe('30 Nov 2026 23:30 UTC');
    expect(formatValue(undefined, 'money')).toBe('-');
  });

  it('renders the same bytes for the same record and time, and other bytes for another time', async () => {
    const document = problemsOf().app!.documents.get('quotation')!;
    const record = { id: 'q1', location: 'Pune', phase: 'single', capacityKw: 3, lines: [{ label: 'Panels', qty: 6, unitPrice: 14500 }], total: 100, createdAt: '2026-11-30T09:00:00.000Z' };
    const at = (iso: string) => renderPdf(document, { record, app: { id: 'solarium', name: 'Solarium' }, now: new Date(iso) });
    const [a, b, c] = [await at('2026-11-30T09:00:00Z'), await at('2026-11-30T09:00:00Z'), await at('2026-11-30T09:00:01Z')];
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });
});
