// The files under definitions/ are how engineers work; the database is what runs. At start (and on
// SIGHUP) an app folder becomes a release when its files differ from what the last file import
// read. Only what the files changed since then is applied over the live release, so an admin's
// release is never overwritten silently: a definition changed in the files *and* by an admin since
// the last import is held back — the admin's stays live — and reported as a conflict, until an
// engineer exports the live release (npm run definitions -- export) or an admin publishes the file's.
import type { Database } from '../store/database.ts';
import type { RawDefinitionFile } from '../registry/load-definition-files.ts';
import { checksumOf, identityOf, lastFilesRelease, liveRelease, releaseDefinitions, type Release, type ReleasedDefinition } from './release-store.ts';

export interface FilesPlan {
  /** What to serve if it compiles: the live release with the files' changes applied. */
  definitions: ReleasedDefinition[];
  /** Whether that differs from the live release (a new release is due). */
  changed: boolean;
  live?: Release;
  /** Definitions changed both in the files and by an admin since the last import: held back. */
  conflicts: string[];
  /** The files' checksums as read, stored with the release. */
  imported: Record<string, string>;
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
  if (!live) return { definitions: [...fromFiles.values()], changed: true, conflicts: [], imported };

  const served = new Map((await releaseDefinitions(db, live)).map((d) => [keyOf(d.kind, d.name), d]));
  const servedChecksum = new Map(live.entries.map((e) => [keyOf(e.kind, e.name), e.checksum]));
  const before = (await lastFilesRelease(db, app))?.imported ?? {};
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
  return { definitions: [...served.values()], changed, live, conflicts, imported };
}
