import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../engine/index.ts';

describe('error catalog', () => {
  it('matches the table in README.md, code for code and status for status', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const documented = Object.fromEntries([...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|$/gm)].map((m) => [m[1], Number(m[2])]));
    const actual = Object.fromEntries(Object.entries(ERROR_CATALOG).map(([code, e]) => [code, e.status]));
    expect(documented).toEqual(actual);
  });

  it('uses 500 only for INTERNAL: everything else a client can cause is a 4xx', () => {
    const fiveHundreds = Object.entries(ERROR_CATALOG).filter(([, e]) => e.status === 500).map(([c]) => c);
    expect(fiveHundreds).toEqual(['INTERNAL']);
  });
});
