// npm run bench:transitions: the status-change route against a bare JSON echo of the same server.
// Both run in one process, one after the other, so the ratio is fair on a noisy machine.
import { compareWithEcho, run, startServer } from './bench-server.ts';
import { statusChangeLoad } from './status-change-load.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
// The two are measured in alternating rounds, so that a noisy minute on the machine weighs on both.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

const server = await startServer();
try {
  const load = await statusChangeLoad(server.base, CONNECTIONS);
  // The echo gets the same body the status route gets.
  const body = JSON.stringify({ newStatus: 'on_hold', remarks: 'benchmark' });
  // autocannon takes the path from the url (a separate `path` option is ignored).
  const echoRun = (duration: number) => run({ url: `${server.base}/_echo`, connections: CONNECTIONS, duration, method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await echoRun(2); // warm-up

  const transitionRun = (duration: number) => load.run(duration);
  await transitionRun(2); // warm-up
  const failures = await compareWithEcho({ title: `transitions benchmark: ${CONNECTIONS} connections`, echo: echoRun, route: transitionRun, routeLabel: 'PATCH /solarium/leads/{id}/status', seconds: DURATION, rounds: ROUNDS, goal: 0.3 });
  console.log(`server RSS after the run: ${server.rssMb().toFixed(0)} MB`);
  if (failures) {
    console.error('some status changes failed: the figures above are not valid');
    process.exitCode = 1;
  }
} finally {
  await server.stop();
}
