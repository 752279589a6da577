// npm run bench:processes: the status-change route's throughput served by one process (WORKERS=1)
// against two (WORKERS=2, node:cluster on one port), same machine, same database kind, same run.
// The rounds alternate between the two servers so that a noisy minute weighs on both.
import os from 'node:os';
import type autocannon from 'autocannon';
import { startServer } from './bench-server.ts';
import { statusChangeLoad } from './status-change-load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

const one = await startServer({ env: { WORKERS: '1' } });
const two = await startServer({ env: { WORKERS: '2' } });
try {
  // The cluster's first worker prints "serving" before the second is up: wait for both.
  await new Promise((r) => setTimeout(r, 5_000));
  const loads = [await statusChangeLoad(one.base, CONNECTIONS), await statusChangeLoad(two.base, CONNECTIONS)];
  for (const load of loads) await load.run(3); // warm-up
  const results: autocannon.Result[][] = [[], []];
  const slice = Math.max(2, Math.round(SECONDS / ROUNDS));
  for (let r = 0; r < ROUNDS; r++) for (const i of [0, 1]) results[i]!.push(await loads[i]!.run(slice));
  const rate = (rs: autocannon.Result[]) => rs.reduce((n, r) => n + r.requests.total, 0) / (rs.length * slice);
  const p99 = (rs: autocannon.Result[]) => Math.max(...rs.map((r) => r.latency.p99));
  const failed = (rs: autocannon.Result[]) => rs.reduce((n, r) => n + r.non2xx + r.errors, 0);
  console.log(`\nprocesses benchmark: PATCH /solarium/leads/{id}/status, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${slice} s, ${os.cpus().length} cores (the embedded PostgreSQL shares them)`);
  for (const [label, rs] of [['(a) WORKERS=1', results[0]!], ['(b) WORKERS=2', results[1]!]] as const) console.log(`${label.padEnd(16)} ${rate(rs).toFixed(0).padStart(6)} req/s   p99 ${String(p99(rs)).padStart(4)} ms   failed ${failed(rs)}`);
  console.log(`ratio b/a: ${(rate(results[1]!) / rate(results[0]!)).toFixed(2)}`);
  if (failed(results[0]!) + failed(results[1]!)) process.exitCode = 1;
} finally {
  await one.stop();
  await two.stop();
}
