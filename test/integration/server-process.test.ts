// npm start as a real process: embedded PostgreSQL, demo users, a kill -9, recovery, clean stop.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, serverProcesses, START_ARGS, START_ENTRY, WORKER_ARGS } from '../support/server-process.ts';

const servers = serverProcesses('rulepath-start-');
const dataDir = servers.dataDir;
afterAll(() => servers.cleanup());

describe('npm start', () => {
  it('serves the apps, survives a kill -9 with its data, and stops cleanly', async () => {
    const first = await servers.start();
    let base = first.base;
    // What npm start runs: the built JavaScript under plain node (V8 memory settings only), no TypeScript loader in the process.
    expect(START_ENTRY).toBe('dist/bundle/main.js');
    expect(START_ARGS.slice(0, -1).every((a) => /^--(max-semi-space-size|heap-growing-percent|wasm-tiering-budget)=\d+$/.test(a))).toBe(true);
    // npm run worker runs under the same V8 settings.
    expect(WORKER_ARGS).toEqual([...START_ARGS.slice(0, -1), 'dist/bundle/worker.js']);
    const cmdline = readFileSync(`/proc/${first.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(cmdline.slice(1)).toEqual(START_ARGS);
    expect(first.output()).toContain(`app solarium`);
    expect(first.output()).toMatch(/demo admin +admin@solarium\.test password demo1234/);
    expect(first.output()).toMatch(/demo kam +9000000002 +OTP 123456/);
    expect(first.output()).toContain('app ekyc');
    expect(first.output()).toContain('/docs');

    const login = await fetch(`${base}/solarium/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'cp1@solarium.test', password: 'demo1234' }) });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
    const created = await fetch(`${base}/solarium/leads`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name: 'Persisted', phone: '9500000000', city: 'Pune' }) });
    expect(created.status).toBe(201);
    const leadId = ((await created.json()) as { data: { id: string } }).data.id;

    // kill -9: the server dies at once and leaves its PostgreSQL running.
    first.child.kill('SIGKILL');
    await exited(first.child);
    const stalePid = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(() => process.kill(stalePid, 0)).not.toThrow();

    // The second start is a warm one: the definitions' YAML comes from the cache the first left
    // under DATA_DIR, so the yaml package is not loaded; nor is undici, which Node 20 loads for the
    // global fetch (no start fetches anything; pg would make a Response to ask if it runs in a Cloudflare Worker).
    const atReady = path.join(dataDir, 'modules-at-ready.json');
    const second = await servers.start({ NODE_OPTIONS: `--require ${path.resolve(import.meta.dirname, '../support/modules-at-ready.cjs')}`, RULEPATH_MODULES_AT_READY: atReady });
    base = second.base;
    console.log(`restart on an initialised data dir, stale postmaster recovered: ready in ${second.readyMs} ms`);
    const loaded = JSON.parse(readFileSync(atReady, 'utf8')) as { builtins: string[]; files: string[] };
    expect(loaded.builtins.length).toBeGreaterThan(50);
    expect(loaded.builtins.filter((m) => m.includes('undici'))).toEqual([]);
    expect(loaded.files.some((f) => f.includes('/node_modules/pg/'))).toBe(true);
    expect(loaded.files.filter((f) => f.includes('/node_modules/yaml/') && f.endsWith('.js'))).toEqual([]);
    expect(() => process.kill(stalePid, 0)).toThrow();
    const again = await fetch(`${base}/solarium/leads/${leadId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200); // same data, and the token survived: the dev secret is kept under DATA_DIR

    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});
