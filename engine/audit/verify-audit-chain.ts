import type pg from 'pg';

export interface AuditProblem {
  id: string;
  app: string;
  recordId: string | null;
  problem: string;
}

/**
 * Walks every chain in insertion order: each entry's stored hash must equal the digest of its
 * stored content, and its prev_hash the hash of the entry before it in the same chain. An edited
 * field, a removed or reordered entry, or a forged hash shows up as a broken link.
 */
export async function verifyAuditChain(client: pg.Pool | pg.Client, batchSize = 5000): Promise<{ checked: number; problems: AuditProblem[] }> {
  const problems: AuditProblem[] = [];
  const last = new Map<string, string | null>();
  let checked = 0;
  let after = '0';
  for (;;) {
    const { rows } = await client.query<{ id: string; app: string; record_id: string | null; prev_hash: string | null; hash: string | null; digest: string }>(
      `SELECT id::text, app, record_id::text, prev_hash, hash, audit_entry_digest(a) AS digest
       FROM audit_entries a WHERE a.id > $1::bigint ORDER BY a.id LIMIT $2`,
      [after, batchSize],
    );
    if (!rows.length) break;
    for (const r of rows) {
      const chain = `${r.app}:${r.record_id ?? ''}`;
      const expectedPrev = last.has(chain) ? last.get(chain)! : null;
      if (r.hash !== r.digest) problems.push({ id: r.id, app: r.app, recordId: r.record_id, problem: 'content does not match its hash (edited)' });
      if (r.prev_hash !== expectedPrev) problems.push({ id: r.id, app: r.app, recordId: r.record_id, problem: 'does not follow the previous entry of its chain (removed, inserted or reordered entries)' });
      last.set(chain, r.hash);
      checked++;
    }
    after = rows[rows.length - 1]!.id;
  }
  return { checked, problems };
}
