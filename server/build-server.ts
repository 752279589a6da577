// npm run build: the server, engine, plugins and CLIs compiled to JavaScript in dist/ (tsc, same
// layout), so that npm start runs plain node — no TypeScript loader, its memory or its start-up
// time in a serving process. Like the Studio's build, it runs only when the sources changed since
// the last one (a hash kept in dist/), so npm start, the tests and the benchmarks can all ask for it.
// It also compiles the definition kinds' JSON Schemas to JavaScript once (definition-schemas.ts),
// and bundles what npm start and npm run worker run into dist/bundle/ (bundle-server.ts).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../engine/support/project-root.ts';

const SOURCES = ['cli', 'engine', 'server', 'plugins'];
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
export const SERVER_DIST = path.join(PROJECT_ROOT, 'dist');
const STAMP = path.join(SERVER_DIST, '.source-hash');
// The definition kinds' schemas (engine/registry/definition-schemas.ts reads them from there too).
const SCHEMA_DIR = path.join(PROJECT_ROOT, 'definitions', '_schema');
// What the build makes of them (definition-schemas.ts's PRECOMPILED_VALIDATORS; checked equal below).
const VALIDATORS = path.join(SERVER_DIST, 'engine', 'registry', 'definition-validators.cjs');
/** npm start's entry (package.json), made by the bundling step. */
const BUNDLED_MAIN = path.join(SERVER_DIST, 'bundle', 'main.js');

function walk(dir: string, visit: (file: string) => void) {
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) walk(file, visit);
    else visit(file);
  }
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const add = (file: string) => hash.update(path.relative(PROJECT_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  for (const dir of SOURCES) walk(path.join(PROJECT_ROOT, dir), (f) => f.endsWith('.ts') && add(f));
  for (const file of INPUTS) add(path.join(PROJECT_ROOT, file));
  // The definition kinds' schemas: the build turns them into validators.
  walk(SCHEMA_DIR, (f) => f.endsWith('.json') && add(f));
  return hash.digest('hex');
}

/** A built module whose source is gone (a deleted plugin folder must not stay loadable). */
function removeOrphans(): number {
  let removed = 0;
  for (const dir of SOURCES) {
    const built = path.join(SERVER_DIST, dir);
    if (!existsSync(built)) continue;
    walk(built, (file) => {
      const source = path.join(PROJECT_ROOT, path.relative(SERVER_DIST, file)).replace(/\.js(\.map)?$/, '.ts');
      if (/\.js(\.map)?$/.test(file) && !existsSync(source)) {
        rmSync(file);
        removed++;
      }
    });
  }
  return removed;
}

/** Builds unless dist/ is up to date; answers whether it built. tsc's errors fail the build. */
export async function buildServer(options: { quiet?: boolean } = {}): Promise<boolean> {
  const wanted = sourceHash();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted && existsSync(VALIDATORS) && existsSync(BUNDLED_MAIN)) return false;
  const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new Error('The server is not built and TypeScript is not installed: install the devDependencies, then npm run build');
  if (!options.quiet) console.log('Building the server (tsc → dist/) ...');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', path.join(PROJECT_ROOT, 'tsconfig.build.json')], { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`The server build failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  removeOrphans();
  const { bundleServer } = await import('./bundle-server.ts');
  await bundleServer(SERVER_DIST);
  // Loaded only now: ajv and the kind modules cost an up-to-date start ~0.4 s.
  const { PRECOMPILED_VALIDATORS, precompiledValidatorsSource } = await import('../engine/registry/definition-schemas.ts');
  if (PRECOMPILED_VALIDATORS !== VALIDATORS) throw new Error(`The build writes the validators to ${VALIDATORS}, the engine reads ${PRECOMPILED_VALIDATORS}`);
  // Written whole or not at all: a start never reads half a module (it would compile the validators instead, but slower).
  const partial = `${PRECOMPILED_VALIDATORS}.${process.pid}.tmp`;
  writeFileSync(partial, precompiledValidatorsSource());
  renameSync(partial, PRECOMPILED_VALIDATORS);
  writeFileSync(STAMP, wanted);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  try {
    const built = await buildServer();
    console.log(built ? `Rulepath server built in ${Date.now() - started} ms (dist/)` : 'Rulepath server is up to date (dist/)');
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
