// npm start as a real process: embedded PostgreSQL, demo users, a kill -9, recovery, clean stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-start-'));
// mkdtemp makes a private (0700) folder; as root, PostgreSQL (user postgres) must reach the cluster inside it.
chmodSync(dataDir, 0o755);
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (existsSync(pidFile)) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGKILL');
    } catch {}
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(port: number, pgPort: number): Promise<{ child: ChildProcess; output: () => string; readyMs: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start in 60 s:\n${out}`)), 60_000);
    const check = () => {
      if (out.includes('Rulepath is serving on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  return { child, output: () => out, readyMs: Date.now() - t0 };
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('npm start', () => {
  it('serves the apps, survives a kill -9 with its data, and stops cleanly', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${port}`;
    const first = await start(port, pgPort);
    expect(first.output()).toContain(`app solarium`);
    expect(first.output()).toMatch(/demo admin +admin@solarium\.test +password demo1234/);
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

    const second = await start(port, pgPort);
    console.log(`restart on an initialised data dir, stale postmaster recovered: ready in ${second.readyMs} ms`);
    expect(() => process.kill(stalePid, 0)).toThrow();
    const again = await fetch(`${base}/solarium/leads/${leadId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200); // same data, and the token survived: the dev secret is kept under DATA_DIR

    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});
