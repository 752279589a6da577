import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { DefinitionProblem } from './definition-types.ts';

export interface RawDefinitionFile {
  file: string;
  content: unknown;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Lists the app folders under a definitions root (every folder not starting with _ or .). */
export function listAppDirs(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .map((d) => path.join(root, d.name))
    .sort();
}

/** Reads every YAML/JSON file of one app folder (recursively). Parse errors become problems. */
export function readDefinitionFiles(dir: string): { files: RawDefinitionFile[]; problems: DefinitionProblem[] } {
  const files: RawDefinitionFile[] = [];
  const problems: DefinitionProblem[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (EXTENSIONS.has(path.extname(name))) {
        const parsed = parseDefinitionText(full, readFileSync(full, 'utf8'));
        if ('problem' in parsed) problems.push(parsed.problem);
        else files.push(parsed);
      }
    }
  };
  walk(dir);
  return { files, problems };
}

export function parseDefinitionText(file: string, text: string): RawDefinitionFile | { problem: DefinitionProblem } {
  try {
    // YAML is a superset of JSON; uniqueKeys refuses duplicated keys instead of silently keeping one.
    const content: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
    return { file, content };
  } catch (err) {
    return { problem: { file, path: '$', message: `The file cannot be parsed: ${(err as Error).message.split('\n')[0]}` } };
  }
}
