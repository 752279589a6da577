// A move may need documents first (`requiresFiles` on a transition: an eKYC applicant's income
// proof, selfie and signature): each named slot must hold a document that was not removed. Checked
// when the move is decided, on the record as it is; the upload itself is the slot's own operation.
import { AppError } from '../errors/app-error.ts';
import type { Queryable } from './record-store.ts';
import type { FileSlotDef } from '../files/file-slot.ts';

/** 400 naming every required slot that is empty, with the first one's own error code. */
export async function assertRequiredFiles(sql: Queryable, app: string, recordId: string, slots: readonly string[], defs: Readonly<Record<string, FileSlotDef>>): Promise<void> {
  if (!slots.length) return;
  const { rows } = await sql.query<{ slot: string }>(
    'SELECT DISTINCT slot FROM record_files WHERE app = $1 AND record_id = $2::uuid AND slot = ANY($3::text[]) AND NOT removed',
    [app, recordId, [...slots]],
  );
  const held = new Set(rows.map((r) => r.slot));
  const empty = slots.filter((s) => !held.has(s));
  if (!empty.length) return;
  const coded = empty.find((s) => defs[s]?.errorCode);
  throw new AppError('VALIDATION_FAILED', `Upload ${empty.map((s) => defs[s]?.label ?? s).join(', ')} first`, {
    details: empty.map((s) => ({ path: `$.files.${s}`, message: 'A document is required in this slot before this step' })),
    ...(coded ? { publicCode: defs[coded]!.errorCode! } : {}),
  });
}
