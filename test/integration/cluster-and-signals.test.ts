// npm start with WORKERS=2 (node:cluster on the embedded PostgreSQL), and the worker's signals.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { exited, serverProcesses, START_ARGS, WORKER_ARGS } from '../support/server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

const servers = serverProcesses('rulepath-cluster-');
afterAll(() => servers.cleanup());

/** The node processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return new RegExp(`^PPid:\\s+${pid}$`, 'm').test(readFileSync(`/proc/${d}/status`, 'utf8')) && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('main.js');
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('WORKERS=2', () => {
  it('serves from two processes on one port and one embedded PostgreSQL, and stops them all on SIGTERM', async () => {
    const started = await servers.start({ WORKERS: '2', DEMO_DATA: 'off' });
    const primary = started.child.pid!;
    // The first worker prints where to go; the second one says it serves too.
    for (let waited = 0; !/Rulepath worker \d+ is serving on/.test(started.output()); waited += 100) {
      if (waited > 60_000) throw new Error(`the second worker never served:\n${started.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const workers = childrenOf(primary);
    expect(workers).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${started.base}/healthz`).then((r) => r.status)));
    expect(answers.every((s) => s === 200)).toBe(true);
    const login = await fetch(`${started.base}/solarium/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'cp1@solarium.test', password: 'demo1234' }) });
    expect(login.status).toBe(200); // demo users seeded once, by whichever worker's turn came first

    started.child.kill('SIGTERM');
    expect(await exited(started.child)).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('npm run worker', () => {
  it('reloads its definitions on SIGHUP instead of dying of it', async () => {
    const api = await servers.start({ DEMO_DATA: 'off', JOBS: 'off' });
    const port = /postgresql:\/\/[^@]+@127\.0\.0\.1:(\d+)/.exec(api.output())?.[1];
    const pgPort = port ?? readFileSync(`${servers.dataDir}/postgres/postmaster.pid`, 'utf8').split('\n')[3];
    const databaseUrl = `postgresql://rulepath:rulepath@127.0.0.1:${pgPort}/rulepath`;
    // A hangup while it is still loading and starting (a cluster primary passes SIGHUP on to starting
    // workers too): it keeps starting, and reloads once it runs.
    const early = spawn(process.execPath, WORKER_ARGS, { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: servers.dataDir, LOG_LEVEL: 'info', NODE_ENV: 'development' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let earlyOut = '';
    early.stdout!.on('data', (d: Buffer) => (earlyOut += d.toString()));
    // As soon as the process catches SIGHUP (its SigCgt mask, bit 0), long before it is up.
    const catchesHangup = () => (BigInt(`0x${/^SigCgt:\s+([0-9a-f]+)$/m.exec(readFileSync(`/proc/${early.pid}/status`, 'utf8'))?.[1] ?? '0'}`) & 1n) === 1n;
    for (let waited = 0; !catchesHangup(); waited += 5) {
      if (waited > 30_000) throw new Error('the worker never caught SIGHUP');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(earlyOut).not.toContain('worker running');
    early.kill('SIGHUP');
    for (let waited = 0; !earlyOut.includes('definitions reloaded'); waited += 100) {
      if (waited > 60_000 || early.exitCode !== null || early.signalCode !== null) throw new Error(`the early hangup ended the worker (${early.signalCode ?? early.exitCode}):\n${earlyOut}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    early.kill('SIGTERM');
    expect(await exited(early)).toBe(0);

    const worker = await servers.startWorker({ DATABASE_URL: databaseUrl });
    worker.child.kill('SIGHUP');
    for (let waited = 0; !worker.output().includes('definitions reloaded'); waited += 100) {
      if (waited > 30_000 || worker.child.exitCode !== null) throw new Error(`no reload:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(worker.child.exitCode).toBeNull();
    worker.child.kill('SIGTERM');
    expect(await exited(worker.child)).toBe(0);
    api.child.kill('SIGTERM');
    expect(await exited(api.child)).toBe(0);
  });
});

describe('npm start, asked to stop while it starts', () => {
  const early = serverProcesses('rulepath-early-stop-');
  afterAll(() => early.cleanup());

  it('stops the embedded PostgreSQL it started, before its own signal handlers are in', async () => {
    // A warm data dir (the first start initialises and migrates it): the database is up while the server still loads.
    const first = await early.start({ DEMO_DATA: 'off' });
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    const pidFile = path.join(early.dataDir, 'postgres', 'postmaster.pid');
    const child = spawn(process.execPath, START_ARGS, { cwd: ROOT, env: { ...process.env, DATA_DIR: early.dataDir, PORT: '0', EMBEDDED_PG_PORT: String(await freePort()), DATABASE_URL: '', LOG_LEVEL: 'warn', DEMO_DATA: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    // PostgreSQL creates postmaster.pid and then writes it: read it until its first line is a pid
    // (read empty, it once gave pid 0 — the test's own process group, alive forever).
    const postmasterPid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0);
    for (let waited = 0; !(postmasterPid() > 0); waited += 5) {
      if (waited > 30_000) throw new Error('PostgreSQL never started');
      await new Promise((r) => setTimeout(r, 5));
    }
    const postmaster = postmasterPid();
    expect(out).not.toContain('Rulepath is serving on');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    // The postmaster is gone too (its own process group: a dead parent does not take it along).
    for (let waited = 0; processAlive(postmaster); waited += 100) {
      if (waited > 10_000) throw new Error(`PostgreSQL ${postmaster} outlived the server asked to stop while starting`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
