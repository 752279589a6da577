import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The project's folder (where package.json is), whether this module runs as source
 * (engine/support/) or built (dist/engine/support/): definitions, migrations, schemas and the
 * Studio are found from here, never from a path relative to the running file.
 */
export const PROJECT_ROOT = findRoot(import.meta.dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}
