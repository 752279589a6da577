// npm run bench:footprint: what `npm start` costs an operator — start-up on a warm data dir and
// the server's RSS after a minute of mixed load — for the built server (what npm start runs)
// against the TypeScript sources through tsx (how npm start ran before), measured in the same run.
// Goals (issue 12): start-up <= 1.0 s, RSS <= 200 MB.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { json, run, startServer } from './bench-server.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface Figures {
  starts: number[];
  rssIdleMb: number;
  rssAfterMb: number;
  requests: number;
  failed: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A minute of a CP's day: list, open, move leads; the app catalogue and the API document now and then. */
async function mixedLoad(base: string): Promise<autocannon.Result> {
  const token = (await json(`${base}/solarium/auth/login`, 'POST', { email: 'cp1@solarium.test', password: 'demo1234' })).accessToken as string;
  const leads: string[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const lead = await json(`${base}/solarium/leads`, 'POST', { name: `Footprint ${i}`, phone: String(9700000000 + i), city: 'Pune' }, token);
    await json(`${base}/solarium/leads/${lead.id}/status`, 'PATCH', { newStatus: 'in_discussion' }, token);
    leads.push(lead.id as string);
  }
  const free = [...leads];
  const status = new Map(leads.map((id) => [id, 'in_discussion']));
  const auth = { authorization: `Bearer ${token}` };
  // A pass over the requests borrows a free lead and gives it back with its last answer (autocannon
  // starts each pass with a fresh context): no two connections race on a row lock.
  const lead = (context: object) => ((context as { leadId?: string }).leadId ??= free.pop()!);
  const giveBack = (context: object) => void free.push(lead(context));
  const requests: autocannon.Request[] = [
    { method: 'GET', path: '/solarium/leads?limit=20', headers: auth },
    { method: 'GET', headers: auth, setupRequest: (req, context) => ({ ...req, path: `/solarium/leads/${lead(context)}` }) },
    {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/json' },
      setupRequest: (req, context) => {
        const id = lead(context);
        return { ...req, path: `/solarium/leads/${id}/status`, body: JSON.stringify({ newStatus: status.get(id) === 'on_hold' ? 'in_discussion' : 'on_hold', remarks: 'footprint' }) };
      },
      onResponse: (code, body, context) => {
        if (code === 200) status.set(lead(context), (JSON.parse(body) as { data: { status: string } }).data.status);
      },
    },
    { method: 'GET', headers: auth, setupRequest: (req, context) => ({ ...req, path: `/solarium/leads/${lead(context)}/timeline` }), onResponse: (_code, _body, context) => giveBack(context) },
    { method: 'GET', path: '/v1/apps' },
    { method: 'GET', path: '/openapi.json' },
  ];
  return run({ url: base, connections: CONNECTIONS, duration: SECONDS, requests });
}

async function measure(entry: 'source' | 'built'): Promise<Figures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `rulepath-footprint-${entry}-`));
  chmodSync(dataDir, 0o755);
  try {
    // The first start initialises the cluster, migrates and publishes the definitions: not measured.
    await (await startServer({ dataDir, entry })).stop();
    const starts: number[] = [];
    for (let i = 1; ; i++) {
      const server = await startServer({ dataDir, entry });
      starts.push(server.readyMs);
      if (i < STARTS) {
        await server.stop();
        continue;
      }
      const rssIdleMb = server.rssMb();
      const result = await mixedLoad(server.base);
      const rssAfterMb = server.rssMb();
      await server.stop();
      return { starts, rssIdleMb, rssAfterMb, requests: result.requests.total, failed: result.non2xx + result.errors };
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const source = await measure('source');
const built = await measure('built');
const line = (label: string, f: Figures) =>
  `${label.padEnd(28)} start-up ${String(median(f.starts)).padStart(5)} ms (${Math.min(...f.starts)}-${Math.max(...f.starts)})   RSS idle ${f.rssIdleMb.toFixed(0).padStart(4)} MB, after load ${f.rssAfterMb.toFixed(0).padStart(4)} MB   ${(f.requests / SECONDS).toFixed(0).padStart(5)} req/s, failed ${f.failed}`;
console.log(`\nfootprint benchmark: ${STARTS} starts on a warm data dir, then ${SECONDS} s of mixed load (${CONNECTIONS} connections), ${os.cpus().length} cores`);
console.log(line('(a) tsx + TypeScript sources', source));
console.log(line('(b) npm start (built, node)', built));
console.log(`ratio b/a: start-up ${(median(built.starts) / median(source.starts)).toFixed(2)}, RSS after load ${(built.rssAfterMb / source.rssAfterMb).toFixed(2)}, throughput ${(built.requests / source.requests).toFixed(2)}`);
console.log(`goals: start-up <= 1000 ms: ${median(built.starts) <= 1000 ? 'met' : 'NOT met'}; RSS after load <= 200 MB: ${built.rssAfterMb <= 200 ? 'met' : 'NOT met'}`);
if (built.failed || source.failed) process.exitCode = 1;
