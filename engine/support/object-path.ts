// Plain dotted paths ($.a.b or a.b) over own properties only: definitions name data, they never
// run code, and a path can never reach a prototype (`__proto__`, `constructor` are refused).
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export function parsePath(path: string): string[] {
  const trimmed = path.startsWith('$.') ? path.slice(2) : path === '$' ? '' : path;
  if (trimmed === '') return [];
  const parts = trimmed.split('.');
  for (const part of parts) {
    if (part === '' || FORBIDDEN.has(part)) throw new Error(`Unsupported path segment in "${path}"`);
  }
  return parts;
}

export function isValidPath(path: string): boolean {
  try {
    parsePath(path);
    return /^(\$\.)?[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(path) || path === '$';
  } catch {
    return false;
  }
}

export function getPath(value: unknown, path: string | string[]): unknown {
  const parts = typeof path === 'string' ? parsePath(path) : path;
  let current: unknown = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
