// One app folder as a start imports it: its files read, planned over the live release (the rule
// in import-files.ts that keeps admins' releases) and compiled. Shared by the start (load-registry.ts)
// and `npm run definitions -- import`, so the two can never import the same files differently.
import path from 'node:path';
import type { Database } from '../store/database.ts';
import { notifyChange } from '../store/change-feed.ts';
import { compileAppFiles, type AppLoadResult, type CompileOptions } from '../registry/compile-app.ts';
import { readDefinitionFiles, type RawDefinitionFile } from '../registry/load-definition-files.ts';
import type { ParsedYamlCache } from '../registry/parsed-yaml-cache.ts';
import { planFilesImport, type FilesPlan } from './import-files.ts';
import { failingCaseProblems } from './run-test-cases.ts';
import { writeFilesBaseline } from './files-baseline.ts';
import { asFiles, liveRelease, lockReleases, releaseMessage, writeRelease, type Release, type ReleasedDefinition } from './release-store.ts';

export interface AppFolderPlan {
  /** The app, named by its folder. */
  app: string;
  /** The folder's definition files as read, named relative to the root. */
  files: RawDefinitionFile[];
  plan: FilesPlan;
  /** The plan's definitions compiled: an `app` when they may go live, every problem otherwise. */
  result: AppLoadResult;
  /** Whether importing the folder writes a release (it compiles, and it changes the live one or there is none). */
  due: boolean;
}

export interface FolderOptions extends CompileOptions {
  /** The values the files' YAML parsed to at the last start (a start's load passes it). */
  yamlCache?: ParsedYamlCache;
}

/** What the folder `dir` under the definitions `root` would make live (nothing is written here). */
export async function planAppFolder(db: Database, root: string, dir: string, options: FolderOptions = {}): Promise<AppFolderPlan> {
  const app = path.basename(dir);
  const read = readDefinitionFiles(dir, options.yamlCache);
  // A release names each definition's file relative to the root ("solarium/lead.entity.yaml").
  const files = read.files.map((f) => ({ file: path.relative(root, f.file), content: f.content }));
  const plan = await planFilesImport(db, app, files);
  // Problems name the files as engineers know them (definitions/<app>/<file>).
  const result = compileAppFiles(asFilesUnder(root, plan.definitions), read.problems, path.dirname(root), options);
  if (result.app && result.app.id !== app) {
    result.problems.push({ file: path.relative(path.dirname(root), dir), path: '$.id', message: `The app id "${result.app.id}" must match its folder name "${app}"` });
    delete result.app;
  }
  // The saved test cases gate the files as they gate a publish: a failing case refuses the folder.
  const failing = result.app ? await failingCaseProblems(result.app, plan.definitions.map((d) => ({ file: path.join(path.basename(root), d.file), content: d.content })), new Date()) : [];
  if (failing.length) {
    result.problems.push(...failing);
    delete result.app;
  }
  return { app, files, plan, result, due: Boolean(result.app) && (plan.changed || !plan.live) };
}

/**
 * Writes a planned folder as the app's next release, made from the files — unless another release
 * landed since the plan was made (an admin's publish: writing the plan would undo it): then nothing
 * is written and the caller plans again.
 */
async function writeFilesRelease(db: Database, planned: AppFolderPlan, at: Date): Promise<Release | undefined> {
  return db.$transaction(async (tx) => {
    await lockReleases(tx, planned.app);
    if ((await liveRelease(tx, planned.app))?.number !== planned.plan.live?.number) return undefined;
    await writeFilesBaseline(tx, planned.app, planned.plan.imported, at);
    return writeRelease(tx, { app: planned.app, source: 'files', createdBy: 'files', at, definitions: planned.plan.definitions, imported: planned.plan.imported });
  });
}

/** Stores what the files are now when no release is due but they caught up with the live one (false: a release landed meanwhile). */
async function moveFilesBaseline(db: Database, planned: AppFolderPlan, at: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockReleases(tx, planned.app);
    if ((await liveRelease(tx, planned.app))?.number !== planned.plan.live?.number) return false;
    await writeFilesBaseline(tx, planned.app, planned.plan.imported, at);
    return true;
  });
}

/** Plans the folder and, when a release is due, writes it (planned again if a release landed in between). */
export async function planAndImportAppFolder(db: Database, root: string, dir: string, options: FolderOptions = {}): Promise<{ planned: AppFolderPlan; release?: Release }> {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 10) throw new Error(`Releases of "${path.basename(dir)}" keep landing while its files are imported; try again`);
    const planned = await planAppFolder(db, root, dir, options);
    if (!planned.due) {
      // A folder that loads and changes nothing may still have caught up with the live release.
      if (!planned.result.app || !planned.plan.baselineMoved || (await moveFilesBaseline(db, planned, new Date()))) return { planned };
      continue;
    }
    const release = await writeFilesRelease(db, planned, new Date());
    if (release) return { planned, release };
  }
}

/**
 * Imports the folder now, as a start would (`npm run definitions -- import`): the release it
 * writes, if one is due, is served by every running process (engine/index.ts listens for
 * `release|<app>|<number>`), as an admin's publish is.
 */
export async function importAppFolder(db: Database, root: string, dir: string, options: CompileOptions = {}): Promise<{ planned: AppFolderPlan; release?: Release }> {
  const done = await planAndImportAppFolder(db, root, dir, options);
  if (done.release) await notifyChange(db, releaseMessage(done.release.app, done.release.number));
  return done;
}

/** Definitions with their files under the definitions root, as the compiler names them in problems. */
function asFilesUnder(root: string, definitions: readonly ReleasedDefinition[]) {
  return asFiles(definitions).map((f) => ({ ...f, file: path.join(root, f.file) }));
}
