// What an app folder's files were when a start last read them: the line between "an engineer
// changed this file" and "an admin changed this definition" (import-files.ts). Kept per app; before
// the first baseline is stored, the last files release's record of what it read stands for it.
import type { Database, Prisma } from '../store/database.ts';
import { lastFilesRelease } from './release-store.ts';

export type FileChecksums = Record<string, string>;

export async function readFilesBaseline(db: Pick<Database, 'filesBaseline' | 'release'>, app: string): Promise<FileChecksums> {
  const row = await db.filesBaseline.findUnique({ where: { app } });
  if (row) return row.imported as FileChecksums;
  return (await lastFilesRelease(db, app))?.imported ?? {};
}

export async function writeFilesBaseline(tx: Pick<Prisma.TransactionClient, 'filesBaseline'>, app: string, imported: FileChecksums, at: Date): Promise<void> {
  await tx.filesBaseline.upsert({ where: { app }, create: { app, imported, updatedAt: at }, update: { imported, updatedAt: at } });
}
