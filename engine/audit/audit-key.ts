// The audit key: what makes an audit entry's hash a seal rather than a checksum. The database never
// stores it; the application holds it (AUDIT_KEY, or a file under DATA_DIR in development) and
// hands it to each of its own connections as a session setting the chain trigger reads.
import { createHash, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { loadSecret } from '../support/load-secret.ts';

export const AUDIT_KEY_FILE = 'audit-key';

/**
 * The key: AUDIT_KEY (required in production, at least 32 bytes), else the one generated once under
 * DATA_DIR. `create: false` (audit:verify) refuses to make up a new key: a new key would call every
 * entry forged instead of saying that the key is missing.
 */
export function loadAuditKey(options: { dataDir: string; production: boolean; env?: string; create?: boolean }): Uint8Array {
  const fromEnv = options.env !== undefined && options.env !== '';
  if (!fromEnv && options.create === false && !existsSync(path.join(options.dataDir, AUDIT_KEY_FILE))) {
    throw new Error(options.production ? 'AUDIT_KEY is required in production' : `No audit key: set AUDIT_KEY, or DATA_DIR to the server's (no ${path.join(options.dataDir, AUDIT_KEY_FILE)})`);
  }
  return loadSecret({ name: AUDIT_KEY_FILE, envName: 'AUDIT_KEY', dataDir: options.dataDir, production: options.production, env: options.env });
}

/** The key as RFC 2104 (and node:crypto) normalise it: hashed when longer than a SHA-256 block, padded to 64 bytes. */
function blockKey(key: Uint8Array): Buffer {
  const k = key.length > 64 ? createHash('sha256').update(key).digest() : Buffer.from(key);
  return Buffer.concat([k, Buffer.alloc(64 - k.length)]);
}

/** The two HMAC pads (K ^ ipad, K ^ opad), hex: what the trigger needs to compute HMAC-SHA256 with two sha256(). */
export function hmacPads(key: Uint8Array): string {
  const k = blockKey(key);
  return Buffer.concat([k.map((b) => b ^ 0x36), k.map((b) => b ^ 0x5c)]).toString('hex');
}

/** An entry's keyed hash, computed here from audit_entry_text (so a check never sends the key to the database). */
export const entryHmac = (key: Uint8Array, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

/**
 * The key checkpoints are signed with: derived from the audit key for that use alone, so a
 * checkpoint signature can never be passed off as an entry's hash or the other way round.
 */
export const checkpointKey = (key: Uint8Array) => createHmac('sha256', key).update('rulepath audit checkpoint v1').digest();

const SETTING = 'rulepath.audit_key';

/**
 * Gives every connection of `pool` the key as it opens, before the pool hands it to anyone (pg-pool's
 * onConnect hook, awaited). Connections already open would not have it, hence the check: the key is
 * given right after the pool is made, before its first query.
 */
export function giveAuditKey(pool: pg.Pool, key: Uint8Array): void {
  if (pool.totalCount > 0) throw new Error('The audit key must be given to a database pool before its first connection');
  const pads = hmacPads(key);
  const options = (pool as unknown as { options: { onConnect?: (client: pg.PoolClient) => Promise<void> | void } }).options;
  const before = options.onConnect;
  options.onConnect = async (client) => {
    await before?.(client);
    await client.query('SELECT set_config($1, $2, false)', [SETTING, pads]);
  };
}
