import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { ajvProblems } from '../support/ajv-problems.ts';
import { addFieldFormats } from '../support/field-formats.ts';
import type { ProviderDeps, ProviderImpls, ProviderKind, ProviderPlugin } from '../plugin-api.ts';
import type { ErrorDetail } from '../errors/app-error.ts';
import { providerKinds } from './provider-kinds.ts';


/** Every plugin found under plugins/<kind>/<name>/index.ts, by "kind/name". */
export type PluginCatalog = ReadonlyMap<string, ProviderPlugin>;

/** Finds and imports every plugin folder. A plugin developer adds a folder; nothing else changes. */
export async function loadPluginCatalog(dir: string): Promise<PluginCatalog> {
  const catalog = new Map<string, ProviderPlugin>();
  for (const kind of providerKinds) {
    const kindDir = path.join(dir, kind);
    if (!existsSync(kindDir)) continue;
    for (const name of readdirSync(kindDir).sort()) {
      const entry = path.join(kindDir, name, 'index.ts');
      if (!existsSync(entry)) continue;
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

const ajv = addFieldFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true }));

/**
 * "${NAME}" (whole value) or "...${NAME}..." (inside a string) take the environment variable;
 * a missing one is a problem, never an empty secret.
 */
export function resolveEnvReferences(value: unknown, env: NodeJS.ProcessEnv, at = '$', problems: ErrorDetail[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined || v === '') problems.push({ path: at, message: `Environment variable ${name} is not set` });
      return v ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvReferences(v, env, `${at}[${i}]`, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvReferences(v, env, `${at}.${k}`, problems)]));
  }
  return value;
}

/** Validates a provider's config against its plugin's schema (env resolved), then creates it. */
export function createProvider<K extends ProviderKind>(
  catalog: PluginCatalog,
  kind: K,
  name: string,
  rawConfig: unknown,
  deps: ProviderDeps,
  env: NodeJS.ProcessEnv = process.env,
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
