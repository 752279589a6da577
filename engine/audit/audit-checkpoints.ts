// Signed checkpoints of the audit chains' ends, kept outside the database (checkpoint-store.ts).
// The chain alone shows an edit or a gap inside it; it cannot show that its newest entries, or a
// whole chain, are gone. A checkpoint says "chain C ended at entry H with hash X after N entries";
// audit:verify then finds a chain that ends before H, or no longer exists.
//
// Signed with HMAC-SHA256 under a key derived from the audit key, rather than Ed25519: audit:verify
// needs the audit key anyway (the entries are HMACs), so a public key would only serve a verifier of
// checkpoints alone and would be a second secret to keep and rotate.
import { createHmac, timingSafeEqual } from 'node:crypto';
import pg from 'pg';
import { checkpointKey } from './audit-key.ts';
import type { AuditCheckpoint, ChainHead, CheckpointStore, SignedCheckpoint, StoredCheckpoint } from './checkpoint-store.ts';
import type { AuditProblem } from './verify-audit-chain.ts';

/** JSON with object keys sorted at every level: the signed bytes do not depend on how a file was written. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function signCheckpoint(key: Uint8Array, body: AuditCheckpoint): SignedCheckpoint {
  return { ...body, signature: createHmac('sha256', checkpointKey(key)).update(canonicalJson(body)).digest('hex') };
}

/** The checkpoint if its signature is the key's, else undefined. */
export function checkedCheckpoint(key: Uint8Array, content: unknown): SignedCheckpoint | undefined {
  if (content === null || typeof content !== 'object' || typeof (content as { signature?: unknown }).signature !== 'string') return undefined;
  const { signature, ...body } = content as SignedCheckpoint;
  const expected = signCheckpoint(key, body as AuditCheckpoint).signature;
  if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return undefined;
  return content as SignedCheckpoint;
}

type Db = pg.Pool | pg.Client;

async function inSnapshot<T>(db: Db, step: (c: pg.ClientBase) => Promise<T>): Promise<T> {
  const client = db instanceof pg.Pool ? await db.connect() : db;
  try {
    // One snapshot: the heads, counts and the newest id agree with each other.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      return await step(client);
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    if (db instanceof pg.Pool) (client as pg.PoolClient).release();
  }
}

const HEAD_COLUMNS = `h.id::text AS head_id, h.hash AS head_hash, n.count::int AS count`;

/** The heads (as of entry `throughId`) of the app's chains with an entry in (afterId, throughId]. */
async function headsOfTouchedChains(c: pg.ClientBase, app: string, afterId: string, throughId: string): Promise<ChainHead[]> {
  // Record chains and the app's own chain apart: `record_id = x` is what the (app, record_id, id) index serves.
  const { rows } = await c.query<{ record_id: string | null; head_id: string; head_hash: string; count: number }>(
    `WITH touched AS (SELECT DISTINCT record_id FROM audit_entries WHERE app = $1 AND id > $2::bigint AND id <= $3::bigint)
     SELECT t.record_id::text AS record_id, ${HEAD_COLUMNS} FROM touched t
     CROSS JOIN LATERAL (SELECT id, hash FROM audit_entries a WHERE a.app = $1 AND a.record_id = t.record_id AND a.id <= $3::bigint ORDER BY a.id DESC LIMIT 1) h
     CROSS JOIN LATERAL (SELECT count(*) FROM audit_entries a WHERE a.app = $1 AND a.record_id = t.record_id AND a.id <= $3::bigint) n
     WHERE t.record_id IS NOT NULL
     UNION ALL
     SELECT NULL, ${HEAD_COLUMNS}
     FROM (SELECT id, hash FROM audit_entries WHERE app = $1 AND record_id IS NULL AND id <= $3::bigint ORDER BY id DESC LIMIT 1) h
     CROSS JOIN LATERAL (SELECT count(*) FROM audit_entries WHERE app = $1 AND record_id IS NULL AND id <= $3::bigint) n
     WHERE EXISTS (SELECT 1 FROM audit_entries WHERE app = $1 AND record_id IS NULL AND id > $2::bigint AND id <= $3::bigint)
     ORDER BY 1`,
    [app, afterId, throughId],
  );
  return rows.map((r) => ({ recordId: r.record_id, headId: r.head_id, headHash: r.head_hash, count: r.count }));
}

export interface WrittenCheckpoint {
  app: string;
  key: string;
  n: number;
  chains: number;
}

export function createAuditCheckpoints(options: { db: Db; key: Uint8Array; store: CheckpointStore; clock: () => Date }) {
  const { db, key, store } = options;
  return {
    /**
     * Writes the app's next checkpoint, unless nothing was appended since the last one. It names the
     * chains changed since the checkpoint *before* the previous one: an entry whose transaction was
     * still open when the previous checkpoint looked (its id drawn, not yet committed) is covered now.
     * Refuses to write after a checkpoint whose signature is not the key's (audit:verify says why).
     */
    async write(app: string): Promise<WrittenCheckpoint | undefined> {
      const stored = await store.list(app);
      const last = stored.length ? checkedCheckpoint(key, stored.at(-1)!.content) : undefined;
      if (stored.length && !last) throw new Error(`The newest audit checkpoint of ${app} (${stored.at(-1)!.key}) is not signed with the audit key; run npm run audit:verify`);
      const twoBack = stored.length > 1 ? checkedCheckpoint(key, stored.at(-2)!.content) : undefined;
      return inSnapshot(db, async (c) => {
        const newest = await c.query<{ id: string | null; legacy: string }>('SELECT (SELECT max(id) FROM audit_entries WHERE app = $1)::text AS id, audit_legacy_last_id()::text AS legacy', [app]);
        const throughId = newest.rows[0]!.id;
        if (throughId === null || throughId === last?.throughId) return undefined;
        const body: AuditCheckpoint = {
          v: 1,
          app,
          n: (last?.n ?? 0) + 1,
          at: options.clock().toISOString(),
          throughId,
          legacyLastId: newest.rows[0]!.legacy,
          previous: last?.signature ?? null,
          chains: await headsOfTouchedChains(c, app, twoBack?.throughId ?? '0', throughId),
        };
        const written = await store.put(signCheckpoint(key, body));
        return { app, key: written, n: body.n, chains: body.chains.length };
      });
    },
  };
}

interface ChainNow {
  newest: string | null;
  count_to_head: number;
  hash_at_head: string | null;
}

/** What the database holds now of each chain a checkpoint named, in the order given. */
async function chainsNow(db: Db, app: string, heads: ChainHead[]): Promise<ChainNow[]> {
  // `record_id = x` for record chains (the (app, record_id, id) index), `IS NULL` for the app's own.
  const records = heads.filter((h) => h.recordId !== null);
  const { rows } = await db.query<ChainNow & { record_id: string }>(
    `SELECT c.record_id,
       (SELECT max(id) FROM audit_entries a WHERE a.app = $1 AND a.record_id = c.record_id::uuid)::text AS newest,
       (SELECT count(*) FROM audit_entries a WHERE a.app = $1 AND a.record_id = c.record_id::uuid AND a.id <= c.head_id)::int AS count_to_head,
       (SELECT hash FROM audit_entries a WHERE a.id = c.head_id AND a.app = $1 AND a.record_id = c.record_id::uuid) AS hash_at_head
     FROM unnest($2::text[], $3::bigint[]) AS c(record_id, head_id)`,
    [app, records.map((h) => h.recordId), records.map((h) => h.headId)],
  );
  const byRecord = new Map(rows.map((r) => [r.record_id, r]));
  const own = heads.find((h) => h.recordId === null);
  const ownNow = own
    ? (
        await db.query<ChainNow>(
          `SELECT (SELECT max(id) FROM audit_entries WHERE app = $1 AND record_id IS NULL)::text AS newest,
             (SELECT count(*) FROM audit_entries WHERE app = $1 AND record_id IS NULL AND id <= $2::bigint)::int AS count_to_head,
             (SELECT hash FROM audit_entries WHERE id = $2::bigint AND app = $1 AND record_id IS NULL) AS hash_at_head`,
          [app, own.headId],
        )
      ).rows[0]
    : undefined;
  return heads.map((h) => (h.recordId === null ? ownNow! : byRecord.get(h.recordId)!));
}

const chainName = (app: string, recordId: string | null) => `${app}${recordId ? ` record ${recordId}` : ' (entries about no record)'}`;

/**
 * Checks an app's checkpoints against the database: each signed with the key and following the one
 * before it, and every chain they name still reaching (at least) the head they saw, with the same
 * hash there and as many entries up to it.
 */
export async function verifyCheckpoints(db: Db, key: Uint8Array, app: string, stored: StoredCheckpoint[]): Promise<{ checkpoints: number; problems: AuditProblem[] }> {
  const problems: AuditProblem[] = [];
  const problem = (recordId: string | null, text: string, id = '-') => problems.push({ id, app, recordId, problem: text });
  const latest = new Map<string, ChainHead & { checkpoint: string }>();
  let previous: SignedCheckpoint | undefined;
  let legacyLastId: string | undefined;
  for (const s of stored) {
    const c = checkedCheckpoint(key, s.content);
    if (!c || c.app !== app) {
      problem(null, `checkpoint ${s.key} is not signed with the audit key (forged or altered)`);
      continue;
    }
    if (c.n !== (previous?.n ?? 0) + 1 || c.previous !== (previous?.signature ?? null)) problem(null, `checkpoint ${s.key} does not follow checkpoint ${previous?.n ?? 0} (a checkpoint was removed or replaced)`);
    previous = c;
    legacyLastId = c.legacyLastId;
    for (const h of c.chains) latest.set(h.recordId ?? '', { ...h, checkpoint: s.key });
  }
  if (!latest.size && legacyLastId === undefined) return { checkpoints: stored.length, problems };
  const heads = [...latest.values()];
  const found = await chainsNow(db, app, heads);
  const legacy = (await db.query<{ legacy: string }>('SELECT audit_legacy_last_id()::text AS legacy')).rows[0]!.legacy;
  if (legacyLastId !== undefined && legacy !== legacyLastId) problem(null, `the last plain-hashed entry is ${legacy}, but the checkpoints signed ${legacyLastId} (audit_legacy_last_id was redefined)`);
  heads.forEach((h, i) => {
    const r = found[i]!;
    const seen = `checkpoint ${h.checkpoint} saw it end at entry ${h.headId} after ${h.count} entries`;
    if (r.newest === null) problem(h.recordId, `the chain of ${chainName(app, h.recordId)} no longer exists, but ${seen} (deleted chain)`, h.headId);
    else if (BigInt(r.newest) < BigInt(h.headId)) problem(h.recordId, `the chain ends at entry ${r.newest}, behind the last checkpoint: ${seen} (newest entries deleted)`, h.headId);
    else if (r.hash_at_head !== h.headHash) problem(h.recordId, `entry ${h.headId} does not carry the hash the checkpoint signed: ${seen} (rewritten)`, h.headId);
    else if (r.count_to_head !== h.count) problem(h.recordId, `${r.count_to_head} entries up to entry ${h.headId}, but ${seen} (entries removed)`, h.headId);
  });
  return { checkpoints: stored.length, problems };
}
