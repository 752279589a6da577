import type { Database } from '../store/database.ts';
import type { Logger } from '../support/logger.ts';
import { compileAppFiles, type CompileOptions } from './compile-app.ts';
import type { CompiledApp, Registry } from './compiled-app.ts';
import type { DefinitionProblem } from './definition-types.ts';
import { listAppDirs } from './load-definition-files.ts';
import { planAndImportAppFolder, type FolderOptions } from '../lifecycle/import-app-folder.ts';
import { asFiles, findRelease, liveRelease, releaseDefinitions } from '../lifecycle/release-store.ts';

export interface RegistryLoadReport {
  registry: Registry;
  /** Apps whose files were refused, with every problem; they serve their live release if any. */
  refused: { app: string; problems: DefinitionProblem[]; servingLastPublished: boolean }[];
  /** Definitions changed both in the files and by an admin since the last import: the admin's serves. */
  conflicts: { app: string; definitions: string[] }[];
}

/** A release of an app (its live one by default), compiled (undefined when there is none, or it no longer compiles). */
export async function compileRelease(db: Database, app: string, options: CompileOptions = {}, number?: number): Promise<{ app: CompiledApp; release: number } | undefined> {
  const release = number === undefined ? await liveRelease(db, app) : await findRelease(db, app, number);
  if (!release) return undefined;
  const compiled = compileAppFiles(asFiles(await releaseDefinitions(db, release)), [], '', options).app;
  return compiled && { app: compiled, release: release.number };
}

/**
 * Loads every app folder. Files that differ from what the last import read become a new release
 * (lifecycle/import-app-folder.ts, by the rule in import-files.ts that keeps admins' releases); a
 * refused folder never replaces a working release: the app keeps serving its live release (or
 * stays off). What runs is always a release.
 */
export async function loadRegistry(db: Database, root: string, logger: Logger, previous?: Registry, options: FolderOptions = {}): Promise<RegistryLoadReport> {
  const apps = new Map<string, CompiledApp>();
  const releases = new Map<string, number>();
  const refused: RegistryLoadReport['refused'] = [];
  const conflicts: RegistryLoadReport['conflicts'] = [];
  for (const dir of listAppDirs(root)) {
    const { planned, release } = await planAndImportAppFolder(db, root, dir, options);
    const { app: folder, plan, result } = planned;
    if (plan.conflicts.length) {
      conflicts.push({ app: folder, definitions: plan.conflicts });
      logger.warn({ app: folder, definitions: plan.conflicts }, 'definitions changed both in the files and by an admin since the last import: the admin’s release keeps serving');
    }
    if (result.app && result.problems.length) logger.warn({ app: folder, warnings: result.problems }, 'definitions loaded with warnings');
    if (result.app && !planned.due && plan.live) {
      apps.set(folder, previous?.releases?.get(folder) === plan.live.number ? previous.apps.get(folder)! : result.app);
      releases.set(folder, plan.live.number);
      continue;
    }
    if (result.app && release) {
      logger.info({ app: folder, release: release.number }, 'definitions imported from the files as a new release');
      apps.set(folder, result.app);
      releases.set(folder, release.number);
      continue;
    }
    const fallback = previous?.apps.get(folder) ? { app: previous.apps.get(folder)!, release: previous.releases?.get(folder) } : await compileRelease(db, folder, options);
    if (fallback) {
      apps.set(folder, fallback.app);
      if (fallback.release !== undefined) releases.set(folder, fallback.release);
    }
    refused.push({ app: folder, problems: result.problems, servingLastPublished: Boolean(fallback) });
    logger.error({ app: folder, problems: result.problems, servingLastPublished: Boolean(fallback) }, 'definitions refused');
  }
  options.yamlCache?.save();
  return { registry: { apps, releases }, refused, conflicts };
}
