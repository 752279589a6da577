import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Database, Prisma } from '../store/database.ts';
import type { RawDefinitionFile } from './load-definition-files.ts';

const checksumOf = (content: unknown) => createHash('sha256').update(JSON.stringify(content)).digest('hex');

function identity(file: RawDefinitionFile): { kind: string; name: string } {
  const c = file.content as { kind?: string; name?: string; id?: string };
  return { kind: c.kind ?? 'unknown', name: (c.kind === 'app' ? c.id : c.name) ?? path.basename(file.file) };
}

/**
 * Keeps every version of every definition: a definition whose content changed since its last
 * stored version gets a new published version. Only valid app folders are ever published.
 */
export async function publishDefinitions(db: Database, appId: string, files: RawDefinitionFile[], actor = 'loader'): Promise<number> {
  let published = 0;
  for (const file of files) {
    const { kind, name } = identity(file);
    const checksum = checksumOf(file.content);
    const latest = await db.definition.findFirst({ where: { app: appId, kind, name }, orderBy: { version: 'desc' } });
    if (latest?.checksum === checksum) continue;
    await db.definition.create({
      data: { app: appId, kind, name, version: (latest?.version ?? 0) + 1, status: 'published', authored: file.content as Prisma.InputJsonValue, checksum, createdBy: actor },
    });
    published++;
  }
  return published;
}

/** The newest published version of each definition of an app: what to serve when the files are refused. */
export async function lastPublished(db: Database, appId: string): Promise<RawDefinitionFile[]> {
  const rows = await db.definition.findMany({ where: { app: appId, status: 'published' }, orderBy: [{ kind: 'asc' }, { name: 'asc' }, { version: 'desc' }] });
  const seen = new Set<string>();
  const files: RawDefinitionFile[] = [];
  for (const row of rows) {
    const key = `${row.kind}/${row.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    files.push({ file: `db:${appId}/${key}@v${row.version}`, content: row.authored });
  }
  return files;
}
