import path from 'node:path';
import type { Database } from '../store/database.ts';
import type { Logger } from '../support/logger.ts';
import { compileAppFiles, type CompileOptions } from './compile-app.ts';
import type { CompiledApp, Registry } from './compiled-app.ts';
import type { DefinitionProblem } from './definition-types.ts';
import { listAppDirs, readDefinitionFiles } from './load-definition-files.ts';
import { planFilesImport } from '../lifecycle/import-files.ts';
import { asFiles, liveRelease, releaseDefinitions, writeRelease } from '../lifecycle/release-store.ts';

export interface RegistryLoadReport {
  registry: Registry;
  /** Apps whose files were refused, with every problem; they serve their live release if any. */
  refused: { app: string; problems: DefinitionProblem[]; servingLastPublished: boolean }[];
  /** Definitions changed both in the files and by an admin since the last import: the admin's serves. */
  conflicts: { app: string; definitions: string[] }[];
}

/** The live release of an app, compiled (undefined when it has none, or it no longer compiles). */
export async function compileLiveRelease(db: Database, app: string, options: CompileOptions = {}): Promise<{ app: CompiledApp; release: number } | undefined> {
  const live = await liveRelease(db, app);
  if (!live) return undefined;
  const compiled = compileAppFiles(asFiles(await releaseDefinitions(db, live)), [], '', options).app;
  return compiled && { app: compiled, release: live.number };
}

/**
 * Loads every app folder. Files that differ from what the last import read become a new release
 * (lifecycle/import-files.ts has the rule that keeps admins' releases); a refused folder never replaces a working
 * release: the app keeps serving its live release (or stays off). What runs is always a release.
 */
export async function loadRegistry(db: Database, root: string, logger: Logger, previous?: Registry, options: CompileOptions = {}): Promise<RegistryLoadReport> {
  const apps = new Map<string, CompiledApp>();
  const releases = new Map<string, number>();
  const refused: RegistryLoadReport['refused'] = [];
  const conflicts: RegistryLoadReport['conflicts'] = [];
  for (const dir of listAppDirs(root)) {
    const folder = path.basename(dir);
    const read = readDefinitionFiles(dir);
    const files = read.files.map((f) => ({ file: path.relative(root, f.file), content: f.content }));
    const plan = await planFilesImport(db, folder, files);
    if (plan.conflicts.length) {
      conflicts.push({ app: folder, definitions: plan.conflicts });
      logger.warn({ app: folder, definitions: plan.conflicts }, 'definitions changed both in the files and by an admin since the last import: the admin’s release keeps serving');
    }
    // Problems name the files as engineers know them (definitions/<app>/<file>).
    const result = compileAppFiles(asFilesUnder(root, plan.definitions), read.problems, path.dirname(root), options);
    if (result.app && result.app.id !== folder) {
      result.problems.push({ file: path.relative(path.dirname(root), dir), path: '$.id', message: `The app id "${result.app.id}" must match its folder name "${folder}"` });
      delete result.app;
    }
    if (result.app && result.problems.length) logger.warn({ app: folder, warnings: result.problems }, 'definitions loaded with warnings');
    if (result.app && !plan.changed && plan.live) {
      apps.set(folder, previous?.releases?.get(folder) === plan.live.number ? previous.apps.get(folder)! : result.app);
      releases.set(folder, plan.live.number);
      continue;
    }
    if (result.app) {
      const release = await db.$transaction((tx) => writeRelease(tx, { app: folder, source: 'files', createdBy: 'files', at: new Date(), definitions: plan.definitions, imported: plan.imported }));
      logger.info({ app: folder, release: release.number }, 'definitions imported from the files as a new release');
      apps.set(folder, result.app);
      releases.set(folder, release.number);
      continue;
    }
    const fallback = previous?.apps.get(folder) ? { app: previous.apps.get(folder)!, release: previous.releases?.get(folder) } : await compileLiveRelease(db, folder, options);
    if (fallback) {
      apps.set(folder, fallback.app);
      if (fallback.release !== undefined) releases.set(folder, fallback.release);
    }
    refused.push({ app: folder, problems: result.problems, servingLastPublished: Boolean(fallback) });
    logger.error({ app: folder, problems: result.problems, servingLastPublished: Boolean(fallback) }, 'definitions refused');
  }
  return { registry: { apps, releases }, refused, conflicts };
}

/** Definitions with their files under the definitions root, as the compiler names them in problems. */
function asFilesUnder(root: string, definitions: Parameters<typeof asFiles>[0]) {
  return asFiles(definitions).map((f) => ({ ...f, file: path.join(root, f.file) }));
}
