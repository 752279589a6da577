import path from 'node:path';
import type { Database } from '../store/database.ts';
import type { Logger } from '../support/logger.ts';
import { compileAppFiles, loadAppDir, type CompileOptions } from './compile-app.ts';
import type { CompiledApp, Registry } from './compiled-app.ts';
import type { DefinitionProblem } from './definition-types.ts';
import { lastPublished, publishDefinitions } from './definition-versions.ts';
import { listAppDirs } from './load-definition-files.ts';

export interface RegistryLoadReport {
  registry: Registry;
  /** Apps whose files were refused, with every problem; they serve their last published version if any. */
  refused: { app: string; problems: DefinitionProblem[]; servingLastPublished: boolean }[];
}

/**
 * Loads every app folder. A valid folder is published as a new version; a refused folder never
 * replaces a working one: the app keeps serving its last published version (or stays off).
 */
export async function loadRegistry(db: Database, root: string, logger: Logger, previous?: Registry, options: CompileOptions = {}): Promise<RegistryLoadReport> {
  const apps = new Map<string, CompiledApp>();
  const refused: RegistryLoadReport['refused'] = [];
  for (const dir of listAppDirs(root)) {
    const folder = path.basename(dir);
    const result = loadAppDir(dir, path.dirname(root), options);
    if (result.app && result.app.id !== folder) {
      result.problems.push({ file: path.relative(path.dirname(root), dir), path: '$.id', message: `The app id "${result.app.id}" must match its folder name "${folder}"` });
      delete result.app;
    }
    if (result.app) {
      const count = await publishDefinitions(db, result.app.id, result.files.map((f) => ({ file: path.relative(root, f.file), content: f.content })));
      if (count) logger.info({ app: result.app.id, definitions: count }, 'published new definition versions');
      apps.set(result.app.id, result.app);
      continue;
    }
    const fallback = previous?.apps.get(folder) ?? compileAppFiles(await lastPublished(db, folder), [], '', options).app;
    if (fallback) apps.set(folder, fallback);
    refused.push({ app: folder, problems: result.problems, servingLastPublished: Boolean(fallback) });
    logger.error({ app: folder, problems: result.problems, servingLastPublished: Boolean(fallback) }, 'definitions refused');
  }
  return { registry: { apps }, refused };
}
