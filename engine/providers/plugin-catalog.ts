import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { ajvProblems } from '../support/ajv-problems.ts';
import { addFieldFormats } from '../support/field-formats.ts';
import type { ProviderDeps, ProviderImpls, ProviderKind, ProviderPlugin } from '../plugin-api.ts';
import type { ErrorDetail } from '../errors/app-error.ts';
import { providerKinds } from './provider-kinds.ts';
import { resolveEnvReferences, type EnvironmentValues } from '../support/env-references.ts';


/** Every plugin found under plugins/<kind>/<name>/index.ts (index.js when built), by "kind/name". */
export type PluginCatalog = ReadonlyMap<string, ProviderPlugin>;

/** Finds and imports every plugin folder. A plugin developer adds a folder; nothing else changes. */
export async function loadPluginCatalog(dir: string): Promise<PluginCatalog> {
  const catalog = new Map<string, ProviderPlugin>();
  for (const kind of providerKinds) {
    const kindDir = path.join(dir, kind);
    if (!existsSync(kindDir)) continue;
    for (const name of readdirSync(kindDir).sort()) {
      // Built plugins (dist/plugins) are JavaScript; a source checkout's are TypeScript.
      const entry = ['index.js', 'index.ts'].map((f) => path.join(kindDir, name, f)).find((f) => existsSync(f));
      if (!entry) continue;
      const mod = (await import(pathToFileURL(entry).href)) as { default?: ProviderPlugin };
      const plugin = mod.default;
      if (!plugin || plugin.kind !== kind || plugin.name !== name || typeof plugin.create !== 'function') {
        throw new Error(`${path.relative(dir, entry)} must export default definePlugin({ kind: '${kind}', name: '${name}', configSchema, create })`);
      }
      catalog.set(`${kind}/${name}`, plugin);
    }
  }
  return catalog;
}

// coerceTypes: a config value from the environment is a string ("${SMTP_PORT:-587}"); the schema says it is a number.
const ajv = addFieldFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: true }));

/** Validates a provider's config against its plugin's schema (env resolved), then creates it. */
export function createProvider<K extends ProviderKind>(
  catalog: PluginCatalog,
  kind: K,
  name: string,
  rawConfig: unknown,
  deps: ProviderDeps,
  env: EnvironmentValues = process.env,
): ProviderImpls[K] {
  const plugin = catalog.get(`${kind}/${name}`);
  if (!plugin) throw new ProviderConfigError(`No ${kind} plugin named "${name}" (have: ${[...catalog.keys()].filter((k) => k.startsWith(`${kind}/`)).join(', ') || 'none'})`, []);
  const problems: ErrorDetail[] = [];
  const config = resolveEnvReferences(rawConfig ?? {}, env, '$', problems);
  const validate = ajv.compile(plugin.configSchema);
  if (!validate(config)) problems.push(...ajvProblems(validate.errors));
  if (problems.length) throw new ProviderConfigError(`The config of ${kind} provider "${name}" is not valid`, problems);
  return plugin.create(Object.freeze(config), deps) as ProviderImpls[K];
}

export class ProviderConfigError extends Error {
  readonly problems: ErrorDetail[];
  constructor(message: string, problems: ErrorDetail[]) {
    super(problems.length ? `${message}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}` : message);
    this.name = 'ProviderConfigError';
    this.problems = problems;
  }
}
