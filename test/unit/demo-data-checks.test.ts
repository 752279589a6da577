// The demo kind's checks: refs name earlier entries, users are the app's demo users, events and
// file slots and review statuses belong to the entity (each with its path).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';

const SOLARIUM = path.resolve(import.meta.dirname, '../../definitions/solarium');
const files = () => readdirSync(SOLARIUM).filter((f) => f.endsWith('.yaml')).map((f) => ({ file: `solarium/${f}`, content: parse(readFileSync(path.join(SOLARIUM, f), 'utf8')) as Record<string, any> }));

function problemsOf(records: unknown[]) {
  const all = files().map((f) => (f.content.kind === 'demo' ? { ...f, content: { ...f.content, records } } : f));
  return compileAppFiles(all).problems;
}

describe('demo data checks', () => {
  it('accepts Solarium’s demo data', () => {
    expect(compileAppFiles(files()).problems).toEqual([]);
  });

  it('names a ref no earlier entry gave, a user who is not a demo user, an unknown event, slot and review status', () => {
    const problems = problemsOf([
      { entity: 'lead', ref: 'a', as: 'nobody@solarium.test', data: { name: 'X', phone: '9810000099', city: 'Pune', customer: '{{user.ghost@solarium.test}}' }, events: ['fly'], files: [{ slot: 'photos', fileName: 'a.pdf' }, { slot: 'docs', fileName: 'b.pdf', review: { status: 'lost', as: 'kam@solarium.test' } }] },
      { update: 'b', events: ['lost'] },
      { find: { entity: 'commission', field: 'colour', value: '{{ref.c}}' }, ref: 'a' },
    ]);
    // Names other definitions own are warnings (a change set may remove them); refs are the demo's own.
    expect(problems.map((p) => [p.path, p.message, p.severity ?? 'error'])).toEqual([
      ['$.records[0].data.customer', '"ghost@solarium.test" is not a demo user of this app', 'warning'],
      ['$.records[0].as', '"nobody@solarium.test" is not a demo user of this app', 'warning'],
      ['$.records[0].events[0]', 'Event "fly" is not an event of entity "lead"', 'warning'],
      ['$.records[0].files[0].slot', 'Entity "lead" has no file slot "photos"', 'warning'],
      ['$.records[0].files[1].review.status', '"lost" is not a review status of slot "docs"', 'warning'],
      ['$.records[1].update', '"b" is not the ref of an earlier demo record', 'error'],
      ['$.records[2].find.field', '"colour" is not a field of entity "commission"', 'warning'],
      ['$.records[2].find.value', '"c" is not the ref of an earlier demo record', 'error'],
      ['$.records[2].ref', 'The ref "a" is given twice', 'error'],
    ]);
  });

  it('adds nothing of its own, not even a warning, about an entity that is itself malformed (its problem says it once)', () => {
    const all = files().map((f) => (f.content.kind === 'entity' && f.content.name === 'lead' ? { ...f, content: { ...f.content, colour: 'red' } } : f));
    expect(compileAppFiles(all).problems.map((p) => [p.file, p.path])).toEqual([['solarium/lead.entity.yaml', '$.colour']]);
  });
});
