// What npm start runs is a bundle of our modules (server/bundle-server.ts, made by the build the
// test setup runs). Plugins import plugin-api themselves: the bundle must import that same module,
// never carry a copy — a ProviderError a plugin throws would otherwise not be the engine's class,
// and every vendor failure would look like a crash instead of a fallback.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BUNDLE = path.resolve(import.meta.dirname, '../../dist/bundle');
const files = readdirSync(BUNDLE).filter((f) => f.endsWith('.js'));
const text = (f: string) => readFileSync(path.join(BUNDLE, f), 'utf8');

describe('the server bundle', () => {
  it('has npm start and npm run worker entries, and imports packages rather than copying them', () => {
    expect(files).toEqual(expect.arrayContaining(['main.js', 'worker.js']));
    const all = files.map(text).join('\n');
    expect(all).toMatch(/from "express"/);
    expect(all).not.toMatch(/node_modules\//);
  });

  it('shares plugin-api with the plugins instead of carrying its own copy', () => {
    const copies = files.filter((f) => /class ProviderError extends Error/.test(text(f)));
    expect(copies).toEqual([]);
    expect(files.some((f) => text(f).includes('from "../engine/plugin-api.js"'))).toBe(true);
  });

  it('loads only the SIGHUP listener before anything else, as server/main.ts does', () => {
    const staticImports = [...text('main.js').matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]);
    // The listener's module first; besides it, only esbuild's own helpers (no module of ours: each
    // is marked by a "// dist/..." comment in the bundle).
    const modules = staticImports.map((f) => [...text(path.basename(f!)).matchAll(/^\/\/ (dist\/\S+)$/gm)].map((m) => m[1]));
    expect(modules[0]).toEqual(['dist/server/reload-on-hangup.js']);
    expect(modules.slice(1).flat()).toEqual([]);
  });
});
