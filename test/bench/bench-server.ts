// The real server as a child process (embedded PostgreSQL, echo route on), and autocannon, for
// the HTTP benchmarks.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../support/free-port.ts';
import { START_ARGS } from '../support/server-process.ts';
import { buildServer } from '../../server/build-server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** How the server runs: as npm start runs it (built JavaScript) or the TypeScript sources through tsx. */
export const ENTRIES = {
  built: START_ARGS,
  // Under npm start's V8 settings too, so that built vs source compares the loaders alone.
  source: [...START_ARGS.slice(0, -1), '--import', 'tsx', 'server/main.ts'],
} as const;

/** `env` replaces the defaults (a second process on the first one's database: DATABASE_URL, JOBS=off). */
export async function startServer(options: { env?: Record<string, string>; dataDir?: string; entry?: keyof typeof ENTRIES } = {}) {
  if ((options.entry ?? 'built') === 'built') await buildServer();
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'rulepath-bench-'));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  // BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of the server, to see where a route spends its time.
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  // BENCH_NODE_FLAGS="--a --b" adds node flags before the entry's own, to try a V8 setting against the same load.
  const extra = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...profile, ...extra, ...ENTRIES[options.entry ?? 'built']], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ECHO_ROUTE: '1', DEMO_DATA: 'off', DATABASE_URL: '', ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const readyMs = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // main.ts prints how long after the process started it was ready (process.uptime()).
      const ready = /\(ready (\d+) ms after the process started\)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    readyMs,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function json(url: string, method: string, body: unknown, token?: string) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const parsed = (await res.json()) as { data: Record<string, unknown> };
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed.data;
}

export function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}


/**
 * The echo and a route in alternating rounds (so a noisy minute weighs on both), then one report:
 * req/s, p99, failures, per-round and overall ratio route/echo. Returns the route's failures.
 */
export async function compareWithEcho(o: { title: string; echo: (seconds: number) => Promise<autocannon.Result>; route: (seconds: number) => Promise<autocannon.Result>; routeLabel: string; seconds: number; rounds: number; goal: number }): Promise<number> {
  const slice = Math.max(2, Math.round(o.seconds / o.rounds));
  const echoes: autocannon.Result[] = [];
  const routes: autocannon.Result[] = [];
  for (let r = 0; r < o.rounds; r++) {
    echoes.push(await o.echo(slice));
    routes.push(await o.route(slice));
  }
  const rate = (rs: autocannon.Result[]) => rs.reduce((n, r) => n + r.requests.total, 0) / (rs.length * slice);
  const p99 = (rs: autocannon.Result[]) => Math.max(...rs.map((r) => r.latency.p99));
  const failed = (rs: autocannon.Result[]) => rs.reduce((n, r) => n + r.non2xx + r.errors, 0);
  const line = (label: string, rs: autocannon.Result[]) => `${label.padEnd(46)} ${rate(rs).toFixed(0).padStart(7)} req/s   p99 ${String(p99(rs)).padStart(4)} ms   failed ${failed(rs)}`;
  console.log(`\n${o.title}, ${o.rounds} alternating rounds of ${slice} s, loopback, ${os.cpus().length} cores`);
  console.log(line('(a) POST /_echo', echoes));
  console.log(line(`(b) ${o.routeLabel}`, routes));
  console.log(`per round b/a: ${routes.map((m, i) => (m.requests.total / echoes[i]!.requests.total).toFixed(3)).join(', ')}`);
  console.log(`ratio b/a: ${(rate(routes) / rate(echoes)).toFixed(3)} (goal >= ${o.goal})`);
  return failed(routes);
}
