import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { DefinitionProblem } from './definition-types.ts';
import { YAML_PARSE_OPTIONS, type ParsedYamlCache } from './parsed-yaml-cache.ts';

export interface RawDefinitionFile {
  file: string;
  content: unknown;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

// The yaml package is 73 modules, and a start whose files the parsed-YAML cache knows parses none:
// it is loaded by the first parse (synchronously: its Node build is CommonJS).
type YamlOptions = import('yaml').ParseOptions & import('yaml').DocumentOptions & import('yaml').SchemaOptions & import('yaml').ToJSOptions;
let yaml: typeof import('yaml') | undefined;
const parseYaml = (text: string, options: YamlOptions): unknown => (yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text, options);

/** Lists the app folders under a definitions root (every folder not starting with _ or .). */
export function listAppDirs(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .map((d) => path.join(root, d.name))
    .sort();
}

/** Reads every YAML/JSON file of one app folder (recursively). Parse errors become problems. */
export function readDefinitionFiles(dir: string, yamlCache?: ParsedYamlCache): { files: RawDefinitionFile[]; problems: DefinitionProblem[] } {
  const files: RawDefinitionFile[] = [];
  const problems: DefinitionProblem[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (EXTENSIONS.has(path.extname(name))) {
        const parsed = parseDefinitionText(full, readFileSync(full, 'utf8'), yamlCache);
        if ('problem' in parsed) problems.push(parsed.problem);
        else files.push(parsed);
      }
    }
  };
  walk(dir);
  return { files, problems };
}

export function parseDefinitionText(file: string, text: string, yamlCache?: ParsedYamlCache): RawDefinitionFile | { problem: DefinitionProblem } {
  try {
    // YAML is a superset of JSON; uniqueKeys refuses duplicated keys instead of silently keeping one.
    const yaml = (t: string): unknown => parseYaml(t, YAML_PARSE_OPTIONS);
    const content: unknown = file.endsWith('.json') ? JSON.parse(text) : yamlCache ? yamlCache.parse(text, yaml) : yaml(text);
    return { file, content };
  } catch (err) {
    return { problem: { file, path: '$', message: `The file cannot be parsed: ${(err as Error).message.split('\n')[0]}` } };
  }
}
