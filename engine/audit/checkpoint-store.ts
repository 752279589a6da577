// Where audit checkpoints live: outside the audit table, so that whoever can rewrite the table
// cannot also rewrite what it was seen to hold. One small interface; the implementation keeps them
// in the app's blob store (an app that names no blob provider gets the `fs` one under DATA_DIR).
import { buffer } from 'node:stream/consumers';
import type { BlobProvider } from '../plugin-api.ts';

/** One chain's end as a checkpoint saw it. `recordId` null: the app's chain of entries about no record. */
export interface ChainHead {
  recordId: string | null;
  headId: string;
  headHash: string;
  count: number;
}

export interface AuditCheckpoint {
  v: 1;
  app: string;
  /** 1, 2, 3, ... per app: a missing number is a removed checkpoint. */
  n: number;
  at: string;
  /** The app's newest entry id the checkpoint saw. */
  throughId: string;
  /** audit_legacy_last_id() when it was written (entries up to it are plain SHA-256). */
  legacyLastId: string;
  /** The signature of checkpoint n - 1 (null for the first): the checkpoints form a chain of their own. */
  previous: string | null;
  /** The chains that changed since the checkpoint before the previous one (see audit-checkpoints.ts). */
  chains: ChainHead[];
}

export interface SignedCheckpoint extends AuditCheckpoint {
  signature: string;
}

export interface StoredCheckpoint {
  key: string;
  /** As read: not trusted until its signature is checked. */
  content: unknown;
}

export interface CheckpointStore {
  /** Writes a checkpoint under a key of its own that is never written again; fails if the key is taken. */
  put(checkpoint: SignedCheckpoint): Promise<string>;
  /** An app's checkpoints in order (by number). */
  list(app: string): Promise<StoredCheckpoint[]>;
}

const prefix = (app: string) => `audit-checkpoints/${app}/`;

/** The key: the number first (so names sort in order), then the time for whoever browses the store. */
export const checkpointKeyOf = (c: AuditCheckpoint) => `${prefix(c.app)}${String(c.n).padStart(12, '0')}-${c.at.replace(/[:.]/g, '-')}.json`;

/** Checkpoints as write-once blobs (`immutable`: the store refuses to overwrite or delete them). */
export function blobCheckpointStore(blobOf: (app: string) => BlobProvider): CheckpointStore {
  return {
    async put(checkpoint) {
      const key = checkpointKeyOf(checkpoint);
      await blobOf(checkpoint.app).write(key, Buffer.from(`${JSON.stringify(checkpoint, null, 2)}\n`), { contentType: 'application/json', immutable: true });
      return key;
    },
    async list(app) {
      const blob = blobOf(app);
      const keys: string[] = [];
      for await (const key of blob.list(prefix(app))) if (key.endsWith('.json')) keys.push(key);
      keys.sort();
      const out: StoredCheckpoint[] = [];
      for (const key of keys) {
        const raw = (await buffer(await blob.read(key))).toString('utf8');
        let content: unknown;
        try {
          content = JSON.parse(raw);
        } catch {
          content = undefined;
        }
        out.push({ key, content });
      }
      return out;
    },
  };
}
