// What npm start runs: the built server, engine and their modules bundled into a few files
// (dist/bundle/), because at start node's module loader, not our code, was the largest cost — ~300
// of our modules each resolved, read, linked and evaluated one by one. Measured with two builds
// started alternately on warm data dirs: median 1,128 → 944 ms. Packages stay where npm put them
// (imported as usual: their own files, paths and native parts untouched); dynamic imports stay
// dynamic (split chunks: what loads on first use still does). plugin-api stays the one module the
// bundle and the plugins share (dist/engine/plugin-api.js): a ProviderError a plugin throws must be
// the class the engine checks for. No minifying: stack traces keep their names.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/** A chunk a running server may still load lazily is kept this long after a rebuild replaced it. */
const KEEP_REPLACED_MS = 24 * 3600_000;

/** Entry points of dist/ that npm start and npm run worker run, bundled into `outdir`. */
export async function bundleServer(dist: string, outdir = path.join(dist, 'bundle')): Promise<void> {
  // Not emptied first: a server started from the last build loads its lazy chunks (content-hashed
  // names) later; they stay a day, then go.
  const result = await build({
    entryPoints: { main: path.join(dist, 'server', 'main.js'), worker: path.join(dist, 'server', 'worker.js') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    metafile: true,
    plugins: [
      {
        name: 'plugin-api-shared',
        setup(b) {
          // Kept as an import of the built module (relative: the tree can move), not copied in.
          b.onResolve({ filter: /(^|\/)plugin-api\.js$/ }, () => ({ path: '../engine/plugin-api.js', external: true }));
        },
      },
    ],
  });
  const made = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(f)));
  for (const name of readdirSync(outdir)) {
    const file = path.join(outdir, name);
    if (!made.has(file) && Date.now() - statSync(file).mtimeMs > KEEP_REPLACED_MS) rmSync(file, { force: true });
  }
}
