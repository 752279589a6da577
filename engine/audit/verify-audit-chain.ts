import { timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { entryHmac } from './audit-key.ts';

export interface AuditProblem {
  id: string;
  app: string;
  recordId: string | null;
  problem: string;
}

const same = (a: string | null, b: string) => a !== null && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Walks every chain in insertion order: each entry's stored hash must be the seal of its stored
 * content, and its prev_hash the hash of the entry before it in the same chain. An edited field, a
 * removed or reordered entry, or a forged hash shows up as a broken link.
 *
 * Keyed entries (hash_alg hmac-sha256) are checked with the audit key, computed here from the text
 * the database gives (audit_entry_text): an entry edited and re-hashed by someone without the key
 * fails. Entries from before the keyed chain (sha256, up to audit_legacy_last_id()) are checked as
 * they always were; a plain entry past that point is a keyed one re-hashed without the key.
 */
export async function verifyAuditChain(client: pg.Pool | pg.Client, key: Uint8Array, batchSize = 5000): Promise<{ checked: number; problems: AuditProblem[] }> {
  const problems: AuditProblem[] = [];
  const last = new Map<string, string | null>();
  let checked = 0;
  let after = '0';
  for (;;) {
    const { rows } = await client.query<{ id: string; app: string; record_id: string | null; prev_hash: string | null; hash: string | null; hash_alg: string; text: string | null; digest: string | null; legacy: boolean }>(
      `SELECT id::text, app, record_id::text, prev_hash, hash, hash_alg,
         CASE WHEN hash_alg = 'sha256' THEN NULL ELSE audit_entry_text(a) END AS text,
         CASE WHEN hash_alg = 'sha256' THEN audit_entry_digest(a) END AS digest,
         a.id <= audit_legacy_last_id() AS legacy
       FROM audit_entries a WHERE a.id > $1::bigint ORDER BY a.id LIMIT $2`,
      [after, batchSize],
    );
    if (!rows.length) break;
    for (const r of rows) {
      const chain = `${r.app}:${r.record_id ?? ''}`;
      const expectedPrev = last.has(chain) ? last.get(chain)! : null;
      const report = (problem: string) => problems.push({ id: r.id, app: r.app, recordId: r.record_id, problem });
      if (r.hash_alg === 'hmac-sha256') {
        if (!same(r.hash, entryHmac(key, r.text!))) report('content does not match its keyed hash (edited, or re-hashed without the audit key)');
      } else if (r.hash_alg === 'sha256') {
        if (!r.legacy) report('hashed without the audit key after the keyed chain began (a keyed entry re-hashed as a plain one)');
        else if (r.hash !== r.digest) report('content does not match its hash (edited)');
      } else report(`unknown hash algorithm "${r.hash_alg}"`);
      if (r.prev_hash !== expectedPrev) report('does not follow the previous entry of its chain (removed, inserted or reordered entries)');
      last.set(chain, r.hash);
      checked++;
    }
    after = rows[rows.length - 1]!.id;
  }
  return { checked, problems };
}
