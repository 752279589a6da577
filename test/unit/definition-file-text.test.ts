// A definition written back to its file reads back exactly as the database holds it, in a stable,
// readable order whatever order jsonb gave its keys, and keeps an existing file's comments and
// layout wherever the content did not change.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { definitionFileText } from '../../engine/lifecycle/definition-file-text.ts';
import { listAppDirs, parseDefinitionText, readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';
import { canonicalJson } from '../../engine/support/canonical-json.ts';

const ROOT = path.resolve(import.meta.dirname, '../../definitions');
const files = listAppDirs(ROOT).flatMap((dir) => readDefinitionFiles(dir).files);

/** The key order PostgreSQL jsonb gives back: shortest keys first, then bytewise. */
const jsonbOrder = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(jsonbOrder)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))
            .map((k) => [k, jsonbOrder((v as Record<string, unknown>)[k])]),
        )
      : v;
const reads = (file: string, text: string) => (parseDefinitionText(file, text) as { content: unknown }).content;

describe('definition file text', () => {
  it.each(files.map((f) => [path.relative(ROOT, f.file), f] as const))('%s reads back the same, written fresh or over its file', (_, f) => {
    const stored = jsonbOrder(f.content);
    const fresh = definitionFileText(f.file, stored);
    expect(canonicalJson(reads(f.file, fresh))).toBe(canonicalJson(f.content));
    expect(definitionFileText(f.file, jsonbOrder(reads(f.file, fresh)))).toBe(fresh); // stable
    const over = definitionFileText(f.file, stored, readFileSync(f.file, 'utf8'));
    expect(canonicalJson(reads(f.file, over))).toBe(canonicalJson(f.content));
  });

  it('writes a new file in the kind’s order: $schema and kind first, then the schema’s properties, names as data alphabetically', () => {
    const text = definitionFileText('x/lead.workflow.yaml', { states: { won: { label: 'Won' }, lost: { final: true, label: 'Lost' } }, initial: 'won', name: 'lead', entity: 'lead', kind: 'workflow', $schema: '../_schema/workflow.schema.json' });
    expect(text).toBe(['$schema: ../_schema/workflow.schema.json', 'kind: workflow', 'name: lead', 'entity: lead', 'initial: won', '', 'states:', '  lost: { label: Lost, final: true }', '  won: { label: Won }', ''].join('\n'));
  });

  it('changes only what differs in an existing file, keeping its comments and order', () => {
    const file = path.join(ROOT, 'solarium', 'lead-status.workflow.yaml');
    const before = readFileSync(file, 'utf8');
    const wf = reads(file, before) as { matrix: Record<string, Record<string, string[]>> };
    wf.matrix.quotation_shared!.won!.push('customer');
    const after = definitionFileText(file, jsonbOrder(wf), before);
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toEqual(['    won: [cp, admin, kam, customer]']);
    expect(after).toContain('# from -> to -> roles allowed without an override.');
  });

  it('writes a JSON file as JSON', () => {
    const text = definitionFileText('x/t.template.json', { name: 't', kind: 'template', channel: 'sms', body: 'Hi' });
    expect(JSON.parse(text)).toEqual({ kind: 'template', name: 't', channel: 'sms', body: 'Hi' });
    expect(Object.keys(JSON.parse(text))[0]).toBe('kind');
    expect(parse(text)).toEqual(JSON.parse(text));
  });
});
