// Releases: an app's definitions as published together, numbered, immutable. The definitions table
// keeps every version of every definition; a release names the version of each it holds. The live
// release of an app is its highest number, and is what every process serves.
import { createHash } from 'node:crypto';
import type { Database, Prisma } from '../store/database.ts';
import { canonicalJson } from '../support/canonical-json.ts';
import type { RawDefinitionFile } from '../registry/load-definition-files.ts';

export interface ReleaseEntry {
  kind: string;
  name: string;
  version: number;
  checksum: string;
  /** Where the definition lives as a file (export writes it there; problems name it). */
  file: string;
}

export interface Release {
  app: string;
  number: number;
  source: 'files' | 'admin' | 'rollback';
  comment: string | null;
  entries: ReleaseEntry[];
  checksum: string;
  /** A files release: each file's definition checksum as read ("kind/name" -> sha256). */
  imported: Record<string, string> | null;
  changeSet: string | null;
  createdBy: string;
  createdAt: Date;
}

/** A definition as a release holds it: its identity, content and file. */
export interface ReleasedDefinition {
  kind: string;
  name: string;
  file: string;
  content: unknown;
}

export const checksumOf = (content: unknown) => createHash('sha256').update(canonicalJson(content)).digest('hex');

/** The kind and name a definition is known by within its app (an app is known by its id). */
export function identityOf(content: unknown): { kind: string; name: string } | undefined {
  const c = content as { kind?: unknown; name?: unknown; id?: unknown } | null;
  const name = c?.kind === 'app' ? c.id : c?.name;
  return c && typeof c.kind === 'string' && typeof name === 'string' ? { kind: c.kind, name } : undefined;
}

/** The file an admin's definition is exported to: `<name>.<kind>.yaml` (app.yaml for the app). */
export const conventionalFile = (app: string, kind: string, name: string) => (kind === 'app' ? `${app}/app.yaml` : `${app}/${name}.${kind}.yaml`);

const toRelease = (r: { app: string; number: number; source: string; comment: string | null; entries: unknown; checksum: string; imported: unknown; changeSet: string | null; createdBy: string; createdAt: Date }): Release => ({
  ...r,
  source: r.source as Release['source'],
  entries: r.entries as ReleaseEntry[],
  imported: (r.imported ?? null) as Release['imported'],
});

export async function liveRelease(db: Pick<Database, 'release'>, app: string): Promise<Release | undefined> {
  const row = await db.release.findFirst({ where: { app }, orderBy: { number: 'desc' } });
  return row ? toRelease(row) : undefined;
}

export async function findRelease(db: Pick<Database, 'release'>, app: string, number: number): Promise<Release | undefined> {
  const row = await db.release.findUnique({ where: { app_number: { app, number } } });
  return row ? toRelease(row) : undefined;
}

export async function listReleases(db: Pick<Database, 'release'>, app: string, limit = 100): Promise<Release[]> {
  return (await db.release.findMany({ where: { app }, orderBy: { number: 'desc' }, take: limit })).map(toRelease);
}

/** The newest release made from the files (what the files were when they were last imported). */
export async function lastFilesRelease(db: Pick<Database, 'release'>, app: string): Promise<Release | undefined> {
  const row = await db.release.findFirst({ where: { app, source: 'files' }, orderBy: { number: 'desc' } });
  return row ? toRelease(row) : undefined;
}

/** The content of every definition a release holds, in entry order. */
export async function releaseDefinitions(db: Pick<Database, 'definition'>, release: Release): Promise<ReleasedDefinition[]> {
  const rows = await db.definition.findMany({ where: { app: release.app, OR: release.entries.map((e) => ({ kind: e.kind, name: e.name, version: e.version })) } });
  const byKey = new Map(rows.map((r) => [`${r.kind}/${r.name}@${r.version}`, r.authored]));
  return release.entries.map((e) => ({ kind: e.kind, name: e.name, file: e.file, content: byKey.get(`${e.kind}/${e.name}@${e.version}`) }));
}

/** A release's definitions as the compiler reads files. */
export const asFiles = (definitions: readonly ReleasedDefinition[]): RawDefinitionFile[] => definitions.map((d) => ({ file: d.file, content: d.content }));

export interface NewRelease {
  app: string;
  source: Release['source'];
  comment?: string;
  changeSet?: string;
  createdBy: string;
  at: Date;
  definitions: readonly ReleasedDefinition[];
  /** A files release: the files' checksums as read. */
  imported?: Record<string, string>;
}

/**
 * Writes a release: a new version of each definition whose content no stored version has as its
 * latest, then the release naming them, numbered after the live one. Serialised per app, so two
 * publishes never take one number. Runs inside the caller's transaction.
 */
/** One writer of an app's releases at a time, for the rest of the transaction (taken again: no harm). */
export async function lockReleases(tx: Prisma.TransactionClient, app: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`release:${app}`}, 0))`;
}

export async function writeRelease(tx: Prisma.TransactionClient, r: NewRelease): Promise<Release> {
  await lockReleases(tx, r.app);
  const entries: ReleaseEntry[] = [];
  for (const d of [...r.definitions].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))) {
    const checksum = checksumOf(d.content);
    const latest = await tx.definition.findFirst({ where: { app: r.app, kind: d.kind, name: d.name }, orderBy: { version: 'desc' } });
    let version = latest?.version ?? 0;
    if (latest?.checksum !== checksum) {
      version++;
      await tx.definition.create({ data: { app: r.app, kind: d.kind, name: d.name, version, status: 'published', authored: d.content as Prisma.InputJsonValue, checksum, createdBy: r.createdBy, createdAt: r.at } });
    }
    entries.push({ kind: d.kind, name: d.name, version, checksum, file: d.file });
  }
  const live = await tx.release.findFirst({ where: { app: r.app }, orderBy: { number: 'desc' }, select: { number: true } });
  const row = await tx.release.create({
    data: {
      app: r.app,
      number: (live?.number ?? 0) + 1,
      source: r.source,
      comment: r.comment ?? null,
      entries: entries as unknown as Prisma.InputJsonValue,
      checksum: checksumOf(entries.map((e) => [e.kind, e.name, e.checksum])),
      imported: r.imported ?? undefined,
      changeSet: r.changeSet ?? null,
      createdBy: r.createdBy,
      createdAt: r.at,
    },
  });
  return toRelease(row);
}

/** How a new release is announced to every process over the change feed: "release|<app>|<number>". */
export const releaseMessage = (app: string, number: number) => `release|${app}|${number}`;

/** The app and number of a release announcement; undefined for any other message. */
export function parseReleaseMessage(message: string): { app: string; number: number } | undefined {
  const [kind, app, number] = message.split('|');
  return kind === 'release' && app && Number(number) > 0 ? { app, number: Number(number) } : undefined;
}
