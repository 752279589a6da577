// `npm run definitions -- export`: a release written back to the files engineers work in, so that
// what admins published can be reviewed, committed and edited further. Each definition goes to the
// file it was imported from (its release entry's `file`, relative to the definitions root) or, for
// one an admin added, `<name>.<kind>.yaml`. A file whose content is already the release's is left
// untouched; the files then hold exactly the release, so a start with them changes nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../store/database.ts';
import { parseDefinitionText } from '../registry/load-definition-files.ts';
import { definitionFileText } from './definition-file-text.ts';
import { checksumOf, conventionalFile, releaseDefinitions, type Release, type ReleasedDefinition } from './release-store.ts';

export interface ExportedFile {
  /** Relative to the definitions root, as release entries name files ("solarium/app.yaml"). */
  file: string;
  /**
   * written: created or changed; unchanged: already held the definition; kept: a definition file
   * of the folder the release does not hold (left alone without `prune`); removed: one such, pruned.
   */
  action: 'written' | 'unchanged' | 'kept' | 'removed';
  /** "kind/name" of the definition it holds (written, unchanged). */
  definition?: string;
}

const DEFINITION_FILE = /\.(ya?ml|json)$/;

/** Writes `release` under `root/<app>/`; with `prune`, removes the folder's other definition files. */
export async function exportRelease(db: Database, release: Release, root: string, options: { prune?: boolean } = {}): Promise<ExportedFile[]> {
  const definitions = await releaseDefinitions(db, release);
  const targets = filesFor(release.app, definitions);
  // Every text is made before anything is written: a definition that cannot be written stops the export whole.
  const planned = definitions.map((d) => {
    const file = targets.get(d)!;
    const full = path.join(root, file);
    const previous = existsSync(full) ? readFileSync(full, 'utf8') : undefined;
    const current = previous === undefined ? undefined : parseDefinitionText(full, previous);
    const same = current !== undefined && !('problem' in current) && checksumOf(current.content) === checksumOf(d.content);
    return { d, file, full, text: same ? undefined : definitionFileText(file, d.content, previous) };
  });
  const out: ExportedFile[] = [];
  for (const { d, file, full, text } of planned) {
    if (text !== undefined) {
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
    out.push({ file, action: text === undefined ? 'unchanged' : 'written', definition: `${d.kind}/${d.name}` });
  }
  const written = new Set(planned.map((p) => p.file));
  for (const file of definitionFilesUnder(root, release.app).filter((f) => !written.has(f))) {
    if (options.prune) rmSync(path.join(root, file));
    out.push({ file, action: options.prune ? 'removed' : 'kept' });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * The file of each definition: its entry's, when that is a definition file inside the app's folder
 * and no other definition of the release has it; `<name>.<kind>.yaml` otherwise.
 */
function filesFor(app: string, definitions: readonly ReleasedDefinition[]): Map<ReleasedDefinition, string> {
  const files = new Map<ReleasedDefinition, string>();
  const taken = new Set<string>();
  const inFolder = (file: string) => {
    const normal = path.posix.normalize(file.replaceAll('\\', '/'));
    return normal.startsWith(`${app}/`) && !normal.split('/').includes('..') && DEFINITION_FILE.test(normal) ? normal : undefined;
  };
  for (const d of definitions) {
    const wanted = inFolder(d.file);
    const file = wanted && !taken.has(wanted) ? wanted : conventionalFile(app, d.kind, d.name);
    if (taken.has(file)) throw new Error(`Two definitions would be written to ${file}: move one of them to another file`);
    taken.add(file);
    files.set(d, file);
  }
  return files;
}

/** The definition files now under `root/<app>/`, relative to root (as the start reads them). */
function definitionFilesUnder(root: string, app: string): string[] {
  const dir = path.join(root, app);
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (DEFINITION_FILE.test(name)) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out;
}
