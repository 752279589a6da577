import { createHash } from 'node:crypto';
import path from 'node:path';
import type { CompiledApp } from './compiled-app.ts';
import type { KindCompileContext } from './definition-kind-module.ts';
import { kindModuleOf, kindModules, type CompiledParts, type DefinitionKind } from './definition-kinds.ts';
import { definitionSet } from './definition-set.ts';
import type { AppDef, DefinitionProblem, SourcedDefinition } from './definition-types.ts';
import { readDefinitionFiles, type RawDefinitionFile } from './load-definition-files.ts';
import { readDefinitions } from './read-definitions.ts';
import type { EnvironmentValues } from '../support/env-references.ts';

export interface AppLoadResult {
  app?: CompiledApp;
  /** Every problem; with an `app`, warnings only (they never refuse a load). */
  problems: DefinitionProblem[];
  /** The authored files, as stored in the definitions table. */
  files: RawDefinitionFile[];
}

export interface CompileOptions {
  /** Production refuses development-only definitions (fixed OTP codes). */
  production?: boolean;
  /** What `${NAME}` / `${NAME:-default}` in definitions read (the server's environment); unset: defaults only. */
  env?: EnvironmentValues;
}

/**
 * Validate at the edge (every file against its kind's schema, then every kind's checks, collecting
 * every problem), then compile each kind's part and freeze. Kinds come from definition-kinds.ts.
 */
export function compileAppFiles(files: RawDefinitionFile[], parseProblems: DefinitionProblem[] = [], root = '', options: CompileOptions = {}): AppLoadResult {
  const rel = (f: string) => (root ? path.relative(root, f) : f);
  const read = readDefinitions(files.map((f) => ({ file: rel(f.file), content: f.content })), options.env);
  const problems = [...parseProblems, ...read.problems];
  const apps = (read.byKind.get('app') ?? []) as SourcedDefinition<AppDef>[];
  if (read.refusedKinds.has('app')) {
    // Without a readable app there are no roles or entities to check names against.
    return { problems, files };
  }
  if (apps.length !== 1) {
    const where = files[0] ? rel(path.dirname(files[0].file)) : rel(root);
    problems.push({ file: apps[1]?.file ?? where, path: '$', message: apps.length ? 'An app folder holds exactly one definition of kind "app"' : 'The folder has no definition of kind "app"' });
    return { problems, files };
  }
  const defs = definitionSet(read.byKind, apps[0]!, read.malformed, options.production ?? false);
  for (const module of kindModules) problems.push(...(module.check?.(defs.all(module.kind), defs) ?? []));
  if (problems.some((p) => p.severity !== 'warning')) return { problems, files };

  // Each kind is compiled once; a kind that needs another's part (entities their workflows) asks for it.
  const parts = new Map<DefinitionKind, object>();
  const context: KindCompileContext = {
    ...defs,
    part(kind) {
      if (!parts.has(kind)) parts.set(kind, kindModuleOf(kind).compile(defs.all(kind), context));
      return parts.get(kind) as never;
    },
  };
  for (const module of kindModules) context.part(module.kind);
  const checksum = createHash('sha256')
    .update(JSON.stringify(files.map((f) => [rel(f.file), f.content])))
    .digest('hex');
  const app: CompiledApp = Object.freeze(Object.assign({}, ...parts.values(), { checksum }) as CompiledParts & { checksum: string });
  return { app, problems, files };
}

/** Reads and compiles one app folder. */
export function loadAppDir(dir: string, root = path.dirname(dir), options: CompileOptions = {}): AppLoadResult {
  const { files, problems } = readDefinitionFiles(dir);
  return compileAppFiles(files, problems, root, options);
}
