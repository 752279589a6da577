import type { ErrorDetail } from '../errors/app-error.ts';

/** What `${NAME}` and `${NAME:-default}` read: the server's environment, given by its configuration. */
export type EnvironmentValues = Readonly<Record<string, string | undefined>>;

// NAME as in a shell; the default runs to the first "}" (no nesting, no other expansion).
const REFERENCE = /\$\{([A-Z][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Strings in `value` take environment variables: "${NAME}" (the whole value or inside a string),
 * "${NAME:-default}" (the default where NAME is unset or empty, as in a shell). A missing variable
 * without a default is a problem, never an empty secret. Values stay strings: a definition's
 * schema decides what a string may be (an OTP `mode` of "${OTP_MODE:-fixed}" is checked as a mode).
 */
/** Names a definition outside a provider's config may not read: they look like credentials. */
const SECRET_LOOKING = /(KEY|SECRET|PASSWORD|PASS|TOKEN|CREDENTIAL)S?$|(^|_)(KEY|SECRET|PASSWORD|TOKEN)_/;

export interface ReferenceOptions {
  /** Refuse names that look like credentials (every definition string but a provider's config). */
  noSecrets?: boolean;
}

export function resolveEnvReferences(value: unknown, env: EnvironmentValues, at = '$', problems: ErrorDetail[] = [], options: ReferenceOptions = {}): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    return value.replace(REFERENCE, (_m, name: string, fallback: string | undefined) => {
      if (options.noSecrets && SECRET_LOOKING.test(name)) {
        problems.push({ path: at, message: `Environment variable ${name} looks like a credential: only a provider's config may read one` });
        return '';
      }
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      problems.push({ path: at, message: `Environment variable ${name} is not set (a definition may give a default: \${${name}:-value})` });
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvReferences(v, env, `${at}[${i}]`, problems, options));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvReferences(v, env, `${at}.${k}`, problems, options)]));
  }
  return value;
}
