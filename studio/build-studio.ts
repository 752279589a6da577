// Builds the Studio when its sources changed since the last build (npm install, npm start and the
// browser tests all call this): a hash of studio/ (sources, config, lockfile) is kept in dist, so a
// fresh clone builds once and an unchanged tree is not built again.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const STUDIO = import.meta.dirname;
const DIST = path.join(STUDIO, 'dist');
const STAMP = path.join(DIST, '.source-hash');

function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'dist' || name === 'node_modules') continue;
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else hash.update(path.relative(STUDIO, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  };
  walk(STUDIO);
  hash.update(readFileSync(path.join(STUDIO, '..', 'package-lock.json')));
  return hash.digest('hex');
}

/** Builds unless dist is up to date; answers whether it built. */
export async function buildStudio(options: { quiet?: boolean } = {}): Promise<boolean> {
  const wanted = sourceHash();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted) return false;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    // An install without devDependencies: the server says the Studio is not built.
    console.warn('Rulepath Studio not built: vite is not installed (install the devDependencies, then npm run studio:build)');
    return false;
  }
  await vite.build({ configFile: path.join(STUDIO, 'vite.config.ts'), logLevel: options.quiet ? 'error' : 'warn' });
  writeFileSync(STAMP, wanted);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const built = await buildStudio();
  console.log(built ? `Rulepath Studio built in ${Date.now() - started} ms (studio/dist)` : 'Rulepath Studio is up to date (studio/dist)');
}
