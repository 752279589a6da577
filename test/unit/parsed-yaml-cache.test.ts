// The parsed-YAML cache a start reads the definitions through: it answers only for the exact text
// it saw, only with values JSON gives back identically, and a broken or foreign file is not used.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listAppDirs, readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';
import { openParsedYamlCache, YAML_PARSE_OPTIONS } from '../../engine/registry/parsed-yaml-cache.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-yaml-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROOT = path.resolve(import.meta.dirname, '../../definitions');

/** A parser that counts its calls. */
function countingParse() {
  const calls: string[] = [];
  return { calls, parse: (text: string) => (calls.push(text), parse(text, YAML_PARSE_OPTIONS) as unknown) };
}

describe('parsed YAML cache', () => {
  it('reads every shipped definition file back as the parser gives it, without parsing on the second start', () => {
    const file = path.join(dir, 'shipped.json');
    const first = openParsedYamlCache(file);
    const apps = listAppDirs(ROOT);
    const parsed = apps.map((d) => readDefinitionFiles(d, first).files);
    first.save();
    const second = openParsedYamlCache(file);
    const counter = countingParse();
    for (const [i, d] of apps.entries()) {
      const files = readDefinitionFiles(d).files;
      expect(readDefinitionFiles(d, second).files).toEqual(files);
      expect(parsed[i]).toEqual(files);
      // Straight from the cache: its values for the same texts.
      for (const f of files) if (!f.file.endsWith('.json')) expect(second.parse(readFileSync(f.file, 'utf8'), counter.parse)).toEqual(f.content);
    }
    expect(counter.calls).toEqual([]);
  });

  it('parses a changed text again, and keeps only the texts of the last load', () => {
    const file = path.join(dir, 'changed.json');
    const a = openParsedYamlCache(file);
    a.parse('kind: app\nid: one\n', countingParse().parse);
    a.parse('kind: app\nid: two\n', countingParse().parse);
    a.save();
    const b = openParsedYamlCache(file);
    const counter = countingParse();
    expect(b.parse('kind: app\nid: one\n', counter.parse)).toEqual({ kind: 'app', id: 'one' });
    expect(b.parse('kind: app\nid: three\n', counter.parse)).toEqual({ kind: 'app', id: 'three' });
    expect(counter.calls).toEqual(['kind: app\nid: three\n']);
    b.save();
    // "two" was not read by the last load: it is gone from the file.
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { values: Record<string, string> };
    expect(Object.values(kept.values).sort()).toEqual([JSON.stringify({ kind: 'app', id: 'one' }), JSON.stringify({ kind: 'app', id: 'three' })]);
  });

  it("keeps, across a running process's reloads, only what the last load read: edits do not pile up", () => {
    const file = path.join(dir, 'reloads.json');
    const cache = openParsedYamlCache(file);
    const counter = countingParse();
    for (let edit = 0; edit < 5; edit++) {
      cache.parse('kind: app\nid: same\n', counter.parse);
      cache.parse(`kind: app\nid: edit-${edit}\n`, counter.parse);
      cache.save();
    }
    // The unchanged text was parsed once; each edit once; the file (and memory) hold the last load's two.
    expect(counter.calls.filter((t) => t.includes('same'))).toHaveLength(1);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { values: Record<string, string> };
    expect(Object.values(kept.values).sort()).toEqual([JSON.stringify({ kind: 'app', id: 'edit-4' }), JSON.stringify({ kind: 'app', id: 'same' })]);
    cache.parse('kind: app\nid: edit-0\n', counter.parse);
    expect(counter.calls.filter((t) => t.includes('edit-0'))).toHaveLength(2);
  });

  it('keeps no value JSON would change (Infinity, NaN, -0)', () => {
    const file = path.join(dir, 'unfaithful.json');
    const texts = ['limit: .inf\n', 'ratio: .nan\n', 'zero: -0\n'];
    const a = openParsedYamlCache(file);
    for (const t of texts) a.parse(t, countingParse().parse);
    a.save();
    const b = openParsedYamlCache(file);
    const counter = countingParse();
    const values = texts.map((t) => b.parse(t, counter.parse));
    expect(counter.calls).toEqual(texts);
    expect(values[0]).toEqual({ limit: Infinity });
    expect(Object.is((values[2] as { zero: number }).zero, -0)).toBe(true);
  });

  it('gives a __proto__ key back as the parser does: an own key, never a prototype', () => {
    const file = path.join(dir, 'proto.json');
    const text = '__proto__: { admin: true }\n';
    const a = openParsedYamlCache(file);
    a.parse(text, countingParse().parse);
    a.save();
    const counter = countingParse();
    const value = openParsedYamlCache(file).parse(text, counter.parse) as Record<string, unknown>;
    expect(counter.calls).toEqual([]);
    expect(Object.getOwnPropertyNames(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('does not use a file that is broken, written by another parser version, or holds a broken value', () => {
    const text = 'kind: app\nid: one\n';
    const key = (t: string) => {
      const probe = path.join(dir, 'probe.json');
      const c = openParsedYamlCache(probe);
      c.parse(t, countingParse().parse);
      c.save();
      return JSON.parse(readFileSync(probe, 'utf8')) as { format: string; values: Record<string, string> };
    };
    const good = key(text);
    const variants = {
      truncated: JSON.stringify(good).slice(0, 40),
      foreign: JSON.stringify({ ...good, format: good.format.replace(/yaml@[^ ]+/, 'yaml@0.0.0') }),
      brokenValue: JSON.stringify({ ...good, values: Object.fromEntries(Object.keys(good.values).map((k) => [k, '{"kind": "app", "id": "tampered"'])) }),
    };
    for (const [name, content] of Object.entries(variants)) {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, content);
      const counter = countingParse();
      expect(openParsedYamlCache(file).parse(text, counter.parse), name).toEqual({ kind: 'app', id: 'one' });
      expect(counter.calls, name).toEqual([text]);
    }
  });

  it('a folder it cannot write to changes nothing but the next start parsing again', () => {
    const blocked = path.join(dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const cache = openParsedYamlCache(path.join(blocked, 'cache.json'));
    expect(cache.parse('a: 1\n', countingParse().parse)).toEqual({ a: 1 });
    expect(() => cache.save()).not.toThrow();
  });
});
