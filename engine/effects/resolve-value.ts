import { getPath } from '../support/object-path.ts';
import type { EffectContext } from './effect-module.ts';

const WHOLE = /^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$/;
const PART = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

/**
 * Resolves a value inside an effect: a literal stays as it is; "{{path}}" alone keeps the value's
 * type; "{{a}} and {{b}}" interpolates strings. Paths are data lookups, never code.
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
