// Blobs as files under DATA_DIR (development and single-machine installs). Written to a temp
// file and renamed, so a reader never sees half a blob; the sha256 is kept beside the file.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { definePlugin, ProviderError, type BlobStat } from '../../../engine/plugin-api.ts';

interface FsConfig {
  /** Folder for blobs; relative paths are under DATA_DIR. */
  root?: string;
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
const META = '.meta.json';

export default definePlugin<'blob', FsConfig>({
  kind: 'blob',
  name: 'fs',
  configSchema: { type: 'object', additionalProperties: false, properties: { root: { type: 'string', minLength: 1 } } },
  create(config, deps) {
    const root = path.resolve(deps.dataDir, config.root ?? 'blobs');
    /** Keys are plain relative paths: no "..", no absolute paths, no hidden files. */
    const fileOf = (key: string) => {
      if (!KEY.test(key) || key.length > 512 || key.endsWith(META)) throw new ProviderError('fs', `Invalid blob key "${key}"`, { transient: false });
      return path.join(root, key);
    };
    const readMeta = async (file: string): Promise<{ sha256: string; contentType?: string } | undefined> => {
      try {
        return JSON.parse(await fs.readFile(file + META, 'utf8')) as { sha256: string; contentType?: string };
      } catch {
        return undefined;
      }
    };
    const stat = async (key: string): Promise<BlobStat | undefined> => {
      const file = fileOf(key);
      const [st, meta] = await Promise.all([fs.stat(file).catch(() => undefined), readMeta(file)]);
      if (!st || !meta) return undefined;
      return { key, size: st.size, sha256: meta.sha256, contentType: meta.contentType, modifiedAt: st.mtime };
    };
    return {
      async write(key, data, options = {}) {
        const file = fileOf(key);
        await fs.mkdir(path.dirname(file), { recursive: true });
        const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
        const hash = createHash('sha256');
        const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
        try {
          source.on('data', (chunk: Buffer) => hash.update(chunk));
          await pipeline(source, createWriteStream(tmp, { flags: 'wx' }));
          const sha256 = hash.digest('hex');
          await fs.writeFile(file + META, JSON.stringify({ sha256, contentType: options.contentType }));
          await fs.rename(tmp, file);
        } catch (err) {
          await fs.rm(tmp, { force: true });
          throw new ProviderError('fs', `Could not write blob "${key}": ${(err as Error).message}`, { transient: true, cause: err });
        }
        return (await stat(key))!;
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
        await fs.rm(file, { force: true });
        await fs.rm(file + META, { force: true });
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
