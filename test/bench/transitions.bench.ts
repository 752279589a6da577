// npm run bench:transitions: the status-change route against a bare JSON echo of the same server.
// Both run in one process, one after the other, so the ratio is fair on a noisy machine.
import type autocannon from 'autocannon';
import { compareWithEcho, json, run, startServer } from './bench-server.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
// The two are measured in alternating rounds, so that a noisy minute on the machine weighs on both.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

const server = await startServer();
try {
  const login = await json(`${server.base}/solarium/auth/login`, 'POST', { email: 'cp1@solarium.test', password: 'demo1234' });
  const token = login.accessToken as string;
  // One lead per connection, so that connections do not queue on each other's row lock.
  const leads: string[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const lead = await json(`${server.base}/solarium/leads`, 'POST', { name: `Bench ${i}`, phone: String(9600000000 + i), city: 'Pune' }, token);
    await json(`${server.base}/solarium/leads/${lead.id}/status`, 'PATCH', { newStatus: 'in_discussion' }, token);
    leads.push(lead.id as string);
  }
  // The echo gets the same body the status route gets.
  const body = JSON.stringify({ newStatus: 'on_hold', remarks: 'benchmark' });
  // autocannon takes the path from the url (a separate `path` option is ignored).
  const echoRun = (duration: number) => run({ url: `${server.base}/_echo`, connections: CONNECTIONS, duration, method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await echoRun(2); // warm-up

  // in_discussion -> on_hold -> in_discussion: a valid loop of moves for a CP. autocannon resets a
  // connection's context after each pass over `requests`, so a pass borrows a free lead for its
  // two moves and gives it back: no two connections ever race on one lead (no lock waits, no 422).
  const free = [...leads];
  const status = new Map(leads.map((id) => [id, 'in_discussion']));
  const move = (last: boolean): autocannon.Request => ({
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    setupRequest: (req: autocannon.Request, context: object) => {
      const c = context as { leadId?: string };
      c.leadId ??= free.pop();
      const target = status.get(c.leadId!) === 'on_hold' ? 'in_discussion' : 'on_hold';
      return { ...req, path: `/solarium/leads/${c.leadId}/status`, body: JSON.stringify({ newStatus: target, remarks: 'benchmark' }) };
    },
    onResponse: (code: number, resBody: string, context: object) => {
      const c = context as { leadId?: string };
      if (code === 200) status.set(c.leadId!, (JSON.parse(resBody) as { data: { status: string } }).data.status);
      if (last) free.push(c.leadId!);
    },
  });
  // A run can stop between a lead's two moves: before each run every lead is free again, with
  // the state the server has for it.
  const transitionRun = async (duration: number) => {
    free.splice(0, free.length, ...leads);
    for (const id of leads) {
      const res = await fetch(`${server.base}/solarium/leads/${id}`, { headers: { authorization: `Bearer ${token}` } });
      status.set(id, ((await res.json()) as { data: { status: string } }).data.status);
    }
    return run({ url: server.base, connections: CONNECTIONS, duration, requests: [move(false), move(true)] });
  };
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
