import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import { SCHEMA_DIR } from '../../engine/registry/definition-schemas.ts';
import { definitionKindNames, kindModules } from '../../engine/registry/definition-kinds.ts';
import { readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';

interface KindSchema {
  $id?: string;
  required?: string[];
  properties?: { kind?: { const?: string } };
}

const schemas = new Map(
  readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => [f, JSON.parse(readFileSync(path.join(SCHEMA_DIR, f), 'utf8')) as KindSchema]),
);

describe('definition kind registry', () => {
  it('has one module per kind name', () => {
    expect(new Set(definitionKindNames).size).toBe(kindModules.length);
  });

  it('gives every module a schema file whose $id and kind constant are its own', () => {
    for (const m of kindModules) {
      const schema = schemas.get(m.schemaFile);
      expect(schema, `${m.kind}: ${m.schemaFile} is missing from definitions/_schema`).toBeDefined();
      expect(schema!.$id).toBe(`https://rulepath.dev/schema/${m.schemaFile}`);
      expect(schema!.properties?.kind?.const).toBe(m.kind);
    }
  });

  it('has a module for every schema file that declares a kind', () => {
    const declared = [...schemas.values()].flatMap((s) => (s.properties?.kind?.const ? [s.properties.kind.const] : []));
    expect([...declared].sort()).toEqual([...definitionKindNames].sort());
  });

  it('checks names for uniqueness only where the schema requires a name', () => {
    for (const m of kindModules.filter((k) => k.names)) expect(schemas.get(m.schemaFile)!.required, m.kind).toContain('name');
  });

  it('refuses a repeated name of every named kind the reference apps use, with the sentence of its kind', () => {
    const root = path.resolve(import.meta.dirname, '../../definitions');
    const apps = ['solarium', 'promopartner', 'ekyc'].map((app) => ({ app, files: readDefinitionFiles(path.join(root, app)).files }));
    const tried: string[] = [];
    for (const m of kindModules.filter((k) => k.names)) {
      const found = apps.map(({ app, files }) => ({ app, files, original: files.find((f) => (f.content as { kind: string }).kind === m.kind) })).find((a) => a.original);
      if (!found) continue;
      const { app, files, original } = found;
      const copy = { file: path.join(root, app, `zz-copy.${m.kind}.yaml`), content: original!.content };
      const { problems } = compileAppFiles([...files, copy], [], root);
      const name = (original!.content as { name: string }).name;
      const where = m.names!.citeEarlier ? ` in ${path.relative(root, original!.file)}` : '';
      expect(problems).toEqual([{ file: `${app}/zz-copy.${m.kind}.yaml`, path: '$.name', message: `The ${m.names!.noun} "${name}" is already defined${where}` }]);
      tried.push(m.kind);
    }
    expect(tried).toEqual(expect.arrayContaining(['entity', 'workflow', 'template', 'otp', 'rules', 'job', 'import']));
  });
});
