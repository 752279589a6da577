// `npm start` (the built server) as a child process, for tests of what only a real process shows (kill -9, signals).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** What `npm run <name>` hands node (its flags and entry), read from package.json so a test runs exactly that. */
export function npmScriptArgs(name: 'start' | 'worker'): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = scripts[name]!.split(/\s+/);
  if (command !== 'node') throw new Error(`npm run ${name} is expected to run node, not ${command}`);
  return args;
}
/** What `npm start` runs: the built server (test/support/global-setup.ts builds it) under plain node, no TypeScript loader. */
export const START_ARGS = npmScriptArgs('start');
export const START_ENTRY = START_ARGS.at(-1)!;
/** What `npm run worker` runs: background jobs only, no HTTP. */
export const WORKER_ARGS = npmScriptArgs('worker');

export interface StartedServer {
  child: ChildProcess;
  output: () => string;
  readyMs: number;
  /** http://127.0.0.1:<port> */
  base: string;
}

export interface ServerProcesses {
  dataDir: string;
  /** Starts `npm start` on free ports; a port taken between choosing and binding gets another try. */
  start(env?: Record<string, string>): Promise<StartedServer>;
  /** Starts `npm run worker` (logging at info, so its job runs and sends can be counted); `base` is empty. */
  startWorker(env?: Record<string, string>): Promise<StartedServer>;
  /** Kills what is left: server processes and the PostgreSQL they started; removes the data dir. */
  cleanup(): void;
}

export function serverProcesses(prefix: string): ServerProcesses {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  // mkdtemp makes a private (0700) folder; as root, PostgreSQL (user postgres) must reach the cluster inside it.
  chmodSync(dataDir, 0o755);
  const children: ChildProcess[] = [];
  async function startOnce(env: Record<string, string>, port: number, args = START_ARGS, readyText = 'Rulepath is serving on'): Promise<StartedServer> {
    const t0 = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development', DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start in 60 s:\n${out}`)), 60_000);
      child.stdout!.on('data', () => {
        if (out.includes(readyText)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
    });
    return { child, output: () => out, readyMs: Date.now() - t0, base: `http://127.0.0.1:${port}` };
  }

  return {
    dataDir,
    async start(env = {}) {
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        try {
          return await startOnce({ PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()), ...env }, port);
        } catch (err) {
          const portTaken = /EADDRINUSE|could not bind|Address already in use/.test((err as Error).message);
          if (!portTaken || attempt >= 3) throw err;
        }
      }
    },
    startWorker(env = {}) {
      return startOnce({ LOG_LEVEL: 'info', ...env }, 0, WORKER_ARGS, 'worker running');
    },
    cleanup() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
      if (existsSync(pidFile)) {
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
