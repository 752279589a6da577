// npm start's and npm run worker's entries catch SIGHUP before anything heavy loads: ESM evaluates a
// module only after its whole static import graph has loaded, so an entry imports nothing else
// statically (a hangup during those ~0.5 s would otherwise kill a starting cluster worker).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const staticImports = (file: string) =>
  [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/^import\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)].filter((m) => !/^import\s+type\s/.test(m[0])).map((m) => m[1]);

describe('entry modules', () => {
  for (const entry of ['server/main.ts', 'server/worker.ts']) {
    it(`${entry} imports only the SIGHUP listener statically`, () => {
      expect(staticImports(entry)).toEqual(['./reload-on-hangup.ts']);
    });
  }
});
