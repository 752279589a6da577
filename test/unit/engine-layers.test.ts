// The engine's imports point downward only, and never in a circle: a lower module never needs a
// higher one to load or to run. Read from the sources, so a new import that breaks the order fails
// here with the file and the line that names it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The layers, lowest first; the first matching rule places a file. A value import may point to its
 * own layer or lower. Type-only imports are free: they vanish at runtime, and the definition and
 * record shapes are shared by every layer.
 */
const LAYERS: { name: string; files: RegExp }[] = [
  { name: 'base', files: /^engine\/(errors\/|support\/|plugin-api\.ts$)/ },
  { name: 'model and storage', files: /^engine\/(store\/|conditions\/|audit\/|registry\/(definition-types|compiled-app|resolve-target|operation-needs)\.ts$)/ },
  { name: 'building blocks', files: /^engine\/(auth|providers|notify|documents|effects|workflow|verification)\// },
  { name: 'records', files: /^engine\/records\// },
  { name: 'modules', files: /^engine\/(otp|promotions|imports|jobs|files)\// },
  { name: 'definitions (load, check, compile; change sets and releases)', files: /^engine\/(registry|lifecycle)\// },
  { name: 'entry', files: /^engine\/(index|engine-context|verify-audit)\.ts$/ },
];
const DEFINITIONS = LAYERS.findIndex((l) => l.name.startsWith('definitions'));

interface Import {
  from: string;
  to: string;
  line: number;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Every relative import and re-export of a file, and whether it brings in types only. */
function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const out: Import[] = [];
  const statement = /^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.{1,2}\/[^']+)'/gms;
  // Side-effect imports (import './x.ts') and dynamic ones (import('./x.ts'), not `typeof import(…)`) load modules too.
  for (const m of text.matchAll(/^import\s+'(\.{1,2}\/[^']+)'|(?<!typeof\s)\bimport\(\s*'(\.{1,2}\/[^']+)'/gm)) {
    out.push({ from: file, to: path.posix.normalize(path.posix.join(path.posix.dirname(file), (m[1] ?? m[2])!)), line: text.slice(0, m.index).split('\n').length, typeOnly: false });
  }
  for (const m of text.matchAll(statement)) {
    const names = m[2]!.trim();
    const allTypes = /^\{[^}]*\}$/.test(names) && names.slice(1, -1).split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '));
    out.push({
      from: file,
      to: path.posix.normalize(path.posix.join(path.posix.dirname(file), m[3]!)),
      line: text.slice(0, m.index).split('\n').length,
      typeOnly: Boolean(m[1]) || allTypes,
    });
  }
  return out;
}

const engineFiles = sourceFiles('engine');
const imports = engineFiles.flatMap(importsOf);
const valueImports = imports.filter((i) => !i.typeOnly);

/**
 * The checks a definition kind runs (check-workflow.ts, check-ruleset.ts …) live with what they
 * check but belong to loading definitions: the check-*.ts modules the registry's kinds import.
 */
const definitionChecks = new Set(valueImports.filter((i) => i.from.startsWith('engine/registry/kinds/') && /\/check-[a-z-]+\.ts$/.test(i.to) && !i.to.startsWith('engine/registry/')).map((i) => i.to));
const layerOf = (file: string) => (definitionChecks.has(file) ? DEFINITIONS : LAYERS.findIndex((l) => l.files.test(file)));

/** Groups of files (or folders) that import each other in a circle (Tarjan's strongly connected components). */
function cycles(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

const graph = (pairs: [string, string][]) => {
  const edges = new Map<string, Set<string>>();
  for (const [a, b] of pairs) if (a !== b) (edges.get(a) ?? edges.set(a, new Set()).get(a)!).add(b);
  return edges;
};

describe('engine layers', () => {
  it('places every engine file in a layer', () => {
    expect(engineFiles.filter((f) => layerOf(f) < 0)).toEqual([]);
    expect(definitionChecks).toContain('engine/workflow/check-workflow.ts');
  });

  it('imports nothing from a higher layer', () => {
    const upward = valueImports
      .filter((i) => i.to.startsWith('engine/') && layerOf(i.to) > layerOf(i.from))
      .map((i) => `${i.from}:${i.line} (${LAYERS[layerOf(i.from)]!.name}) imports ${i.to} (${LAYERS[layerOf(i.to)]!.name})`);
    expect(upward).toEqual([]);
  });

  it('has no import cycles, between files or between folders', () => {
    const files = graph(valueImports.map((i) => [i.from, i.to]));
    expect(cycles(engineFiles, files)).toEqual([]);
    // Between the folders below the definitions layer (whose checks are spread over the folders they check on purpose).
    const folder = (f: string) => f.split('/').slice(0, 2).join('/');
    const below = valueImports.filter((i) => layerOf(i.from) < DEFINITIONS && layerOf(i.to) < DEFINITIONS);
    const folders = graph(below.map((i) => [folder(i.from), folder(i.to)]));
    expect(cycles([...new Set(engineFiles.map(folder))], folders)).toEqual([]);
  });

  it('never reaches out of engine/ except to its npm packages, and plugins reach only the plugin API', () => {
    expect(imports.filter((i) => !i.to.startsWith('engine/')).map((i) => `${i.from}:${i.line} imports ${i.to}`)).toEqual([]);
    const plugins = sourceFiles('plugins').flatMap(importsOf).filter((i) => i.to.startsWith('engine/') && i.to !== 'engine/plugin-api.ts');
    expect(plugins.map((i) => `${i.from}:${i.line} imports ${i.to}`)).toEqual([]);
  });

  it('reads imports the way the compiler does (the checks above can fail)', () => {
    // A value import from a lower layer upward, and a type-only one, as this file reads them.
    const probe = importsOf('engine/records/record-service.ts');
    expect(probe.some((i) => i.to === 'engine/records/record-store.ts' && !i.typeOnly)).toBe(true);
    expect(probe.some((i) => i.to === 'engine/engine-context.ts' && i.typeOnly)).toBe(true);
    expect(cycles(['a', 'b', 'c'], graph([['a', 'b'], ['b', 'c'], ['c', 'a']]))).toEqual([['a', 'b', 'c']]);
  });
});
