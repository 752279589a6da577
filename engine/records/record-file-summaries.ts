// What a sync bundle carries of a record's files: their metadata (never the bytes, never a URL —
// a client asks for a short-lived download URL when it opens one), and a fingerprint so that an
// upload, a review or a removal changes the bundle's ETag even though the record did not change.
import type { Queryable } from './record-store.ts';

export interface FileSummary {
  id: string;
  slot: string;
  label: string | null;
  status: string | null;
  version: number;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
}

/** The files not removed of these records, by record id, oldest first. */
export async function fileSummaries(sql: Queryable, recordIds: readonly string[]): Promise<Map<string, FileSummary[]>> {
  const byRecord = new Map<string, FileSummary[]>();
  if (!recordIds.length) return byRecord;
  const { rows } = await sql.query<{ record_id: string; id: string; slot: string; label: string | null; status: string | null; version: number; file_name: string; content_type: string; size: string; sha256: string; uploaded_at: Date }>(
    `SELECT record_id, id, slot, label, status, version, file_name, content_type, size, sha256, uploaded_at
       FROM record_files WHERE record_id = ANY($1::uuid[]) AND NOT removed ORDER BY created_at, id`,
    [recordIds],
  );
  for (const r of rows) {
    const list = byRecord.get(r.record_id) ?? [];
    list.push({ id: r.id, slot: r.slot, label: r.label, status: r.status, version: r.version, fileName: r.file_name, contentType: r.content_type, size: Number(r.size), sha256: r.sha256, uploadedAt: r.uploaded_at.toISOString() });
    byRecord.set(r.record_id, list);
  }
  return byRecord;
}

/**
 * A digest of the files of an entity's records in scope: how many, and a sum of a hash of each
 * one's id, version, status and removal — an upload, a new version, a review or a removal moves
 * it even within one clock tick.
 */
export async function filesFingerprint(sql: Queryable, app: string, entity: string, scopeTags: string[] | undefined): Promise<string> {
  if (scopeTags !== undefined && !scopeTags.length) return '0';
  const { rows } = await sql.query<{ n: string; digest: string | null }>(
    `SELECT count(*) AS n, sum(hashtext(f.id::text || ':' || f.version || ':' || coalesce(f.status, '') || ':' || f.removed)::bigint) AS digest
       FROM record_files f JOIN records r ON r.id = f.record_id
      WHERE r.app = $1 AND r.entity = $2 AND r.deleted_at IS NULL AND ($3::text[] IS NULL OR r.scope_tags && $3::text[])`,
    [app, entity, scopeTags ?? null],
  );
  const r = rows[0]!;
  return `${r.n}|${r.digest ?? 0}`;
}
