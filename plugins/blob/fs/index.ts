// Blobs as files under DATA_DIR (development and single-machine installs). Written to a temp
// file and renamed, so a reader never sees half a blob; the sha256 is kept beside the file.
//
// A blob is two files, so putting one in place is two renames (meta, then data). Writers to one
// key would interleave them (one writer's hash over another's bytes), so the renames, and the
// reads of the pair, take turns per file in this process. That is enough for a single-machine
// provider with one server process; several processes sharing one folder, or a crash between the
// two renames of an overwrite, can still leave a pair that disagrees.
//
// Write-once and retention live in the meta file. A write-once blob's meta is put in place with
// link(), which fails when the name is taken, so even writers outside this process cannot both win;
// the meta goes first, as for any write, and a blob without its meta does not exist for stat/read.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { definePlugin, ProviderError, type BlobStat } from '../../../engine/plugin-api.ts';
import { isValidBlobKey, META_SUFFIX as META } from '../blob-key.ts';

interface FsConfig {
  /** Folder for blobs; relative paths are under DATA_DIR. */
  root?: string;
}

/** What the .meta.json beside a blob holds. */
interface Meta {
  sha256: string;
  contentType?: string;
  immutable?: boolean;
  /** ISO time. */
  retainUntil?: string;
}

// Per absolute path rather than per provider: a reloaded app gets a new provider over the same folder.
const turns = new Map<string, Promise<unknown>>();
function inTurn<T>(file: string, step: () => Promise<T>): Promise<T> {
  const result = (turns.get(file) ?? Promise.resolve()).then(step);
  const tail = result.catch(() => undefined);
  turns.set(file, tail);
  void tail.then(() => turns.get(file) === tail && turns.delete(file));
  return result;
}

function taken(key: string, cause?: unknown): ProviderError {
  return new ProviderError('fs', `Blob "${key}" is written once and already exists`, { transient: false, vendorCode: 'BLOB_EXISTS', cause });
}

function retainUntilOf(key: string, retainUntil: Date | undefined): string | undefined {
  if (retainUntil === undefined) return undefined;
  if (!(retainUntil instanceof Date) || Number.isNaN(retainUntil.getTime())) throw new ProviderError('fs', `Invalid retainUntil for blob "${key}"`, { transient: false });
  return retainUntil.toISOString();
}

/** A write-once blob without a retention date is kept for ever; any blob is kept until its date. */
function refuseIfRetained(key: string, meta: Meta, now: Date): void {
  const until = meta.retainUntil === undefined ? undefined : new Date(meta.retainUntil);
  if (until ? until > now : meta.immutable) {
    throw new ProviderError('fs', `Blob "${key}" is retained ${until ? `until ${until.toISOString()}` : 'for ever (written once)'}`, { transient: false, vendorCode: 'BLOB_RETAINED' });
  }
}

export default definePlugin<'blob', FsConfig>({
  kind: 'blob',
  name: 'fs',
  configSchema: { type: 'object', additionalProperties: false, properties: { root: { type: 'string', minLength: 1 } } },
  create(config, deps) {
    const root = path.resolve(deps.dataDir, config.root ?? 'blobs');
    /** Keys are plain relative paths: no "..", no absolute paths, no hidden files. */
    const fileOf = (key: string) => {
      if (!isValidBlobKey(key)) throw new ProviderError('fs', `Invalid blob key "${key}"`, { transient: false });
      return path.join(root, key);
    };
    const readMeta = async (file: string): Promise<Meta | undefined> => {
      try {
        return JSON.parse(await fs.readFile(file + META, 'utf8')) as Meta;
      } catch {
        return undefined;
      }
    };
    const statOf = async (key: string, file: string): Promise<BlobStat | undefined> => {
      const [st, meta] = await Promise.all([fs.stat(file).catch(() => undefined), readMeta(file)]);
      if (!st || !meta) return undefined;
      return {
        key,
        size: st.size,
        sha256: meta.sha256,
        contentType: meta.contentType,
        modifiedAt: st.mtime,
        ...(meta.immutable ? { immutable: true } : {}),
        ...(meta.retainUntil ? { retainUntil: new Date(meta.retainUntil) } : {}),
      };
    };
    const stat = (key: string): Promise<BlobStat | undefined> => {
      const file = fileOf(key);
      return inTurn(file, () => statOf(key, file));
    };
    return {
      async write(key, data, options = {}) {
        const file = fileOf(key);
        const retainUntil = retainUntilOf(key, options.retainUntil);
        await fs.mkdir(path.dirname(file), { recursive: true });
        // Both temp names end in .tmp, which list() skips.
        const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
        const metaTmp = `${tmp}.meta.tmp`;
        const hash = createHash('sha256');
        const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
        try {
          source.on('data', (chunk: Buffer) => hash.update(chunk));
          await pipeline(source, createWriteStream(tmp, { flags: 'wx' }));
          const meta: Meta = { sha256: hash.digest('hex'), contentType: options.contentType, ...(options.immutable ? { immutable: true } : {}), retainUntil };
          await fs.writeFile(metaTmp, JSON.stringify(meta), { flag: 'wx' });
          // Stat inside the turn: the caller learns about what it wrote, not about a later writer.
          return await inTurn(file, async () => {
            if (options.immutable) {
              await fs.link(metaTmp, file + META).catch((err: NodeJS.ErrnoException) => {
                throw err.code === 'EEXIST' ? taken(key, err) : err;
              });
              await fs.rm(metaTmp);
            } else {
              if ((await readMeta(file))?.immutable) throw taken(key);
              await fs.rename(metaTmp, file + META);
            }
            await fs.rename(tmp, file);
            return (await statOf(key, file))!;
          });
        } catch (err) {
          await Promise.all([fs.rm(tmp, { force: true }), fs.rm(metaTmp, { force: true })]);
          if (err instanceof ProviderError) throw err;
          throw new ProviderError('fs', `Could not write blob "${key}": ${(err as Error).message}`, { transient: true, cause: err });
        }
      },
      async read(key) {
        const file = fileOf(key);
        if (!(await stat(key))) throw new ProviderError('fs', `No blob "${key}"`, { transient: false, vendorCode: 'NOT_FOUND' });
        return createReadStream(file);
      },
      stat,
      async exists(key) {
        return (await stat(key)) !== undefined;
      },
      async delete(key) {
        const file = fileOf(key);
        await inTurn(file, async () => {
          const meta = await readMeta(file);
          if (meta && (await fs.stat(file).catch(() => undefined))) refuseIfRetained(key, meta, deps.clock());
          await fs.rm(file, { force: true });
          await fs.rm(file + META, { force: true });
        });
      },
      async *list(prefix) {
        const walk = async function* (dir: string): AsyncGenerator<string> {
          const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
          for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
            const full = path.join(dir, e.name);
            if (e.isDirectory()) yield* walk(full);
            else if (!e.name.endsWith(META) && !e.name.endsWith('.tmp')) {
              const key = path.relative(root, full).split(path.sep).join('/');
              if (key.startsWith(prefix)) yield key;
            }
          }
        };
        yield* walk(root);
      },
    };
  },
});
