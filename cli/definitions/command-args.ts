// Arguments of a subcommand, read strictly: an unknown option, a missing or extra argument, a name
// that cannot be an app or a number that cannot be a release is a UsageError (exit 2), never a guess.
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/** Positionals and options (`--release 3`, `--release=3`, `--prune`). */
export function readArgs<O extends OptionSpec>(args: readonly string[], options: O, positionals: { required: number; max: number }) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const count = parsed.positionals.length;
  if (count < positionals.required) throw new UsageError('Missing arguments');
  if (count > positionals.max) throw new UsageError(`Unexpected argument "${parsed.positionals[positionals.max]}"`);
  return parsed;
}

// An app is named by its folder, which its id must match (common.schema.json#/definitions/name).
const APP_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

export function appName(value: string | undefined): string {
  if (!value || !APP_NAME.test(value)) throw new UsageError(`"${value ?? ''}" is not an app name (lower-case letters, digits, _ and -)`);
  return value;
}

export function releaseNumber(value: string, option = '--release'): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) throw new UsageError(`${option} takes a release number (1, 2, …), not "${value}"`);
  return Number(value);
}
