// Parsing the definitions' YAML was a tenth of a warm start (~0.1 s for ~75 KB: the `yaml` package
// runs cold then, interpreted). A file whose text has not changed parses to the same value, so the
// values of the last load are kept as JSON (under DATA_DIR) by a hash of their text and read back
// with JSON.parse. The cache only ever answers for exactly the text it saw, and only values that
// JSON gives back identically are kept (no Infinity, NaN, -0 or `__proto__` keys), so a start with
// it reads exactly what a start without it would. Anything wrong with the file: it is not used.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

export interface ParsedYamlCache {
  /** The value `text` parsed to last time, or `parse(text)` now (then kept). */
  parse(text: string, parse: (text: string) => unknown): unknown;
  /**
   * Ends a load: writes the values used since the last save (or the opening), when they differ
   * from what the file holds; only they are kept, in the file and in memory, so neither grows
   * with the edits of a long-running process's reloads.
   */
  save(): void;
}

/** The parser and how it is called: a cache written under another is not read. */
export const YAML_PARSE_OPTIONS = { uniqueKeys: true, maxAliasCount: 100 } as const;
const FORMAT = `rulepath-parsed-yaml/1 yaml@${(createRequire(import.meta.url)('yaml/package.json') as { version: string }).version} ${JSON.stringify(YAML_PARSE_OPTIONS)}`;

interface CacheFile {
  format: string;
  /** sha256 of a file's text → its parsed value, as JSON text. */
  values: Record<string, string>;
}

export function openParsedYamlCache(file: string): ParsedYamlCache {
  // What the last load read (at first: the file); what this load has read so far.
  let known = readCacheFile(file);
  let used = new Map<string, string>();
  let added = false;
  return {
    parse(text, parse) {
      const key = createHash('sha256').update(text).digest('base64url');
      const json = used.get(key) ?? known.get(key);
      const cached = json === undefined ? undefined : parseJson(json);
      if (cached) {
        used.set(key, json!);
        return cached.value;
      }
      const value = parse(text);
      const asJson = JSON.stringify(value);
      if (asJson !== undefined && isDeepStrictEqual(JSON.parse(asJson), value)) {
        used.set(key, asJson);
        added = true;
      }
      return value;
    },
    save() {
      const changed = added || used.size !== known.size || [...used.keys()].some((k) => !known.has(k));
      const values = used;
      known = used;
      used = new Map();
      added = false;
      if (!changed) return;
      const content: CacheFile = { format: FORMAT, values: Object.fromEntries(values) };
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        // Written aside and renamed: a start reading it meanwhile sees the old file or the new one.
        const partial = `${file}.${process.pid}.partial`;
        writeFileSync(partial, JSON.stringify(content));
        renameSync(partial, file);
      } catch {
        // A read-only data folder: the next start parses again, nothing else changes.
      }
    },
  };
}

function parseJson(json: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(json) as unknown };
  } catch {
    return undefined;
  }
}

function readCacheFile(file: string): Map<string, string> {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (content.format !== FORMAT || !content.values || typeof content.values !== 'object') return new Map();
    return new Map(Object.entries(content.values).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return new Map();
  }
}
