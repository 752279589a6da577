import type { Effect } from '../registry/definition-types.ts';
import { getPath } from '../support/object-path.ts';

export interface EffectContext {
  record: Record<string, unknown>;
  actor: Record<string, unknown>;
  input: Record<string, unknown>;
  remarks?: string;
  now: string;
}

const WHOLE = /^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$/;
const PART = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

/**
 * Resolves a `set` value: a literal stays as it is; "{{path}}" alone keeps the value's type;
 * "{{a}} and {{b}}" interpolates strings. Paths are data lookups, never code.
 */
export function resolveValue(value: unknown, ctx: EffectContext): unknown {
  if (typeof value !== 'string') return value;
  const whole = WHOLE.exec(value);
  if (whole) return getPath(ctx, whole[1]!);
  if (!value.includes('{{')) return value;
  return value.replace(PART, (_m, path: string) => {
    const v = getPath(ctx, path);
    return v === undefined || v === null ? '' : String(v);
  });
}

/** The field changes of `set` effects; a value that resolves to nothing leaves its field alone. */
export function fieldChanges(effects: readonly Effect[], ctx: EffectContext): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const effect of effects) {
    if (!('set' in effect)) continue;
    for (const [field, raw] of Object.entries(effect.set)) {
      const value = resolveValue(raw, ctx);
      if (value !== undefined) changes[field] = value;
    }
  }
  return changes;
}
