// The files under definitions/ are how engineers work; the database is what runs. At start (and on
// SIGHUP) an app folder becomes a release when its files differ from what the last file import
// read. Only what the files changed since then is applied over the live release, so an admin's
// release is never overwritten silently: a definition changed in the files *and* by an admin since
// the last import is held back — the admin's stays live — and reported as a conflict, until an
// engineer exports the live release (npm run definitions -- export) or an admin publishes the file's.
// Files that have caught up with the live release (an export, committed) move the baseline without
// a release, so an admin's next change to those definitions is not mistaken for a conflict.
import type { Database } from '../store/database.ts';
import type { RawDefinitionFile } from '../registry/load-definition-files.ts';
import { checksumOf, identityOf, liveRelease, releaseDefinitions, type Release, type ReleasedDefinition } from './release-store.ts';
import { readFilesBaseline } from './files-baseline.ts';

export interface FilesPlan {
  /** What to serve if it compiles: the live release with the files' changes applied. */
  definitions: ReleasedDefinition[];
  /** Whether that differs from the live release (a new release is due). */
  changed: boolean;
  live?: Release;
  /** Definitions changed both in the files and by an admin since the last import: held back. */
  conflicts: string[];
  /** The files' checksums as read (held-back ones as they were): the baseline of the next start. */
  imported: Record<string, string>;
  /** Whether `imported` differs from the baseline the plan was made against (it is to be stored). */
  baselineMoved: boolean;
}

const keyOf = (kind: string, name: string) => `${kind}/${name}`;

/** What the files of one app folder would make live (nothing is written here). */
export async function planFilesImport(db: Database, app: string, files: readonly RawDefinitionFile[]): Promise<FilesPlan> {
  const fromFiles = new Map<string, ReleasedDefinition>();
  for (const f of files) {
    // A file without a kind and a name is kept under its path, so the compiler reports it.
    const id = identityOf(f.content) ?? { kind: 'unknown', name: f.file };
    fromFiles.set(keyOf(id.kind, id.name), { kind: id.kind, name: id.name, file: f.file, content: f.content });
  }
  const imported = Object.fromEntries([...fromFiles].map(([k, d]) => [k, checksumOf(d.content)]));
  const live = await liveRelease(db, app);
  if (!live) return { definitions: [...fromFiles.values()], changed: true, conflicts: [], imported, baselineMoved: true };

  const served = new Map((await releaseDefinitions(db, live)).map((d) => [keyOf(d.kind, d.name), d]));
  const servedChecksum = new Map(live.entries.map((e) => [keyOf(e.kind, e.name), e.checksum]));
  const before = await readFilesBaseline(db, app);
  const conflicts: string[] = [];
  let changed = false;
  for (const key of new Set([...Object.keys(before), ...fromFiles.keys()])) {
    const inFiles = imported[key];
    if (inFiles === before[key]) continue; // the files did not change this one
    if (inFiles === servedChecksum.get(key)) continue; // already live as the files have it
    if (servedChecksum.get(key) !== before[key]) {
      conflicts.push(key);
      continue;
    }
    changed = true;
    if (inFiles === undefined) served.delete(key);
    else served.set(key, fromFiles.get(key)!);
  }
  // A held-back file change stays unread: the next start reports it again, until it is resolved.
  for (const key of conflicts) {
    if (before[key] === undefined) delete imported[key];
    else imported[key] = before[key]!;
  }
  const baselineMoved = new Set([...Object.keys(before), ...Object.keys(imported)]).size !== Object.keys(before).length || Object.entries(imported).some(([k, v]) => before[k] !== v);
  return { definitions: [...served.values()], changed, live, conflicts, imported, baselineMoved };
}
