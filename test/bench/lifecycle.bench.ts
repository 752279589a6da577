// npm run bench:lifecycle — how long a published release takes to be served by another process.
// Two real server processes on one PostgreSQL (the first owns the embedded cluster, the second
// joins it by DATABASE_URL with its jobs off); an admin publishes change sets on the first, and the
// second's /healthz is polled until it serves the new release. Baseline in the same run: the
// round trip of /healthz itself (what polling can resolve). BENCH_PUBLISHES (20).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port.ts';
import { json, startServer } from './bench-server.ts';

const PUBLISHES = Number(process.env.BENCH_PUBLISHES ?? 20);

const served = async (base: string) => ((await (await fetch(`${base}/healthz`)).json()) as { data: { releases: Record<string, number> } }).data.releases.solarium;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-bench-lifecycle-'));
chmodSync(dataDir, 0o755);
const pgPort = await freePort();
const a = await startServer({ dataDir, env: { EMBEDDED_PG_PORT: String(pgPort) } });
const b = await startServer({ dataDir, env: { DATABASE_URL: `postgresql://rulepath:rulepath@127.0.0.1:${pgPort}/rulepath`, JOBS: 'off' } });
try {
  const token = (await json(`${a.base}/solarium/auth/login`, 'POST', { email: 'admin@solarium.test', password: 'demo1234' })).accessToken as string;
  const G = `${a.base}/v1/apps/solarium`;
  const first = (await json(`${G}/releases/1`, 'GET', undefined, token)) as { definitions: { kind: string; content: { name: string } }[] };
  const appDef = first.definitions.find((d) => d.kind === 'app')!.content;

  const pollRoundTrips: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await served(b.base);
    pollRoundTrips.push(performance.now() - t);
  }
  const latencies: number[] = [];
  const publishTimes: number[] = [];
  for (let i = 0; i < PUBLISHES; i++) {
    const set = (await json(`${G}/changes`, 'POST', { title: `Bench ${i}` }, token)) as { id: string };
    await json(`${G}/changes/${set.id}/definitions/app/solarium`, 'PUT', { ...appDef, name: `Solarium ${i}` }, token);
    const started = performance.now();
    const release = (await json(`${G}/changes/${set.id}/publish`, 'POST', {}, token)) as { number: number };
    publishTimes.push(performance.now() - started);
    while ((await served(b.base)) !== release.number) {
      if (performance.now() - started > 10_000) throw new Error(`release ${release.number} not served by the second process after 10 s`);
    }
    latencies.push(performance.now() - started);
  }
  const sort = (xs: number[]) => [...xs].sort((x, y) => x - y);
  const lat = sort(latencies);
  const pub = sort(publishTimes);
  const poll = sort(pollRoundTrips);
  console.log(`\nlifecycle benchmark: ${PUBLISHES} publishes on process A, served by process B (same PostgreSQL, NOTIFY), 2 cores`);
  console.log(`publish (A answers)            median ${percentile(pub, 50).toFixed(1)} ms   p99 ${percentile(pub, 99).toFixed(1)} ms`);
  console.log(`publish -> served by B         median ${percentile(lat, 50).toFixed(1)} ms   p99 ${percentile(lat, 99).toFixed(1)} ms   (goal: within 2,000 ms)`);
  console.log(`baseline: one /healthz of B    median ${percentile(poll, 50).toFixed(1)} ms   (the polling resolution)`);
  console.log(`served by B / publish, median: ${(percentile(lat, 50) / percentile(pub, 50)).toFixed(2)}x`);
  console.log('Backtest throughput: npm run bench:backtest.\n');
} finally {
  await b.stop();
  await a.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
