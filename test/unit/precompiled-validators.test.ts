// The definition kinds' validators the build compiles to JavaScript (definition-validators.cjs)
// answer exactly as the ones ajv compiles at start would: same verdict, same errors, for every
// shipped definition and for broken variants of each.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileKindValidators, kindSchemasHash, kindValidatorsOrigin, loadPrecompiledValidators, PRECOMPILED_VALIDATORS, precompiledValidatorsSource, validateDefinitionShape } from '../../engine/registry/definition-schemas.ts';
import { definitionKindNames, type DefinitionKind } from '../../engine/registry/definition-kinds.ts';
import { listAppDirs, readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';
import { PROJECT_ROOT } from '../../engine/support/project-root.ts';
import { DEFINITIONS_DIR } from '../support/test-server.ts';

// Inside the project: the generated module requires ajv's runtime from node_modules.
mkdirSync(path.join(PROJECT_ROOT, 'test-results'), { recursive: true });
const dir = mkdtempSync(path.join(PROJECT_ROOT, 'test-results', 'validators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every shipped definition, and per definition a few ways an admin gets it wrong. */
function samples(): { name: string; kind: DefinitionKind; content: Record<string, unknown> }[] {
  const out: { name: string; kind: DefinitionKind; content: Record<string, unknown> }[] = [];
  for (const app of listAppDirs(DEFINITIONS_DIR)) {
    for (const f of readDefinitionFiles(app).files) {
      const content = f.content as Record<string, unknown>;
      const kind = content.kind as DefinitionKind;
      const name = path.relative(DEFINITIONS_DIR, f.file);
      out.push({ name, kind, content });
      out.push({ name: `${name} with an unknown key`, kind, content: { ...content, surprise: true } });
      const [first] = Object.keys(content).filter((k) => k !== 'kind');
      if (first) {
        const { [first]: _dropped, ...rest } = content;
        out.push({ name: `${name} without ${first}`, kind, content: rest });
        out.push({ name: `${name} with ${first} of the wrong type`, kind, content: { ...content, [first]: [42, { deep: null }] } });
      }
    }
  }
  return out;
}

describe('precompiled definition validators', () => {
  const file = path.join(dir, 'definition-validators.cjs');
  writeFileSync(file, precompiledValidatorsSource());
  const built = createRequire(import.meta.url)(file) as Record<string, ((data: unknown) => boolean) & { errors?: unknown }>;
  const compiled = compileKindValidators();

  it('export a validator for every kind', () => {
    for (const kind of definitionKindNames) expect(typeof built[kind], kind).toBe('function');
  });

  it('give the verdict and the errors ajv gives, for every shipped definition and broken variants of it', () => {
    const all = samples();
    expect(all.length).toBeGreaterThan(100);
    let refused = 0;
    for (const s of all) {
      const validate = compiled.get(s.kind)!;
      const ok = validate(s.content);
      expect(built[s.kind]!(s.content), s.name).toBe(ok);
      expect(built[s.kind]!.errors ?? null, s.name).toEqual(validate.errors ?? null);
      if (!ok) refused++;
    }
    // The broken variants are refused (an unknown key at least), so errors were compared too.
    expect(refused).toBeGreaterThan(all.length / 4);
  });

  it('are the ones the build wrote for these schemas, and the ones a start uses', () => {
    // test/support/global-setup.ts runs the build before the tests.
    expect(existsSync(PRECOMPILED_VALIDATORS)).toBe(true);
    expect(readFileSync(PRECOMPILED_VALIDATORS, 'utf8')).toBe(readFileSync(file, 'utf8'));
    expect(validateDefinitionShape('x.yaml', { kind: 'app' })).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining('id') })]),
    );
    expect(kindValidatorsOrigin()).toBe('precompiled');
  });

  it('are not used when made from other schemas, unreadable, missing a kind, or absent: the start compiles instead', () => {
    const source = readFileSync(file, 'utf8');
    const variant = (name: string, text: string) => {
      const f = path.join(dir, `${name}.cjs`);
      writeFileSync(f, text);
      return f;
    };
    const hash = kindSchemasHash();
    expect(loadPrecompiledValidators(file, hash)?.size).toBe(definitionKindNames.length);
    expect(loadPrecompiledValidators(variant('stale', source.replace(hash, 'f'.repeat(64))), hash)).toBeUndefined();
    expect(loadPrecompiledValidators(variant('cut', source.slice(0, source.length / 2)), hash)).toBeUndefined();
    expect(loadPrecompiledValidators(variant('no-app', source.replace(/^"use strict";exports\.app = validate\d+;/m, '"use strict";')), hash)).toBeUndefined();
    expect(loadPrecompiledValidators(path.join(dir, 'absent.cjs'), hash)).toBeUndefined();
  });
});
