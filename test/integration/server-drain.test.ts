// SIGTERM on a real `npm start`: readiness goes false at once, the port stays open for
// SHUTDOWN_DELAY_MS and then closes, a request in flight still gets its answer, one that outlives
// SHUTDOWN_GRACE_MS is cut off, and the process then stops its jobs and database and exits 0.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, serverProcesses } from '../support/server-process.ts';
import { parseMetrics, sample } from '../support/prometheus-text.ts';

const servers = serverProcesses('rulepath-drain-');
afterAll(() => servers.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A login whose body arrives in two parts: in flight from its first byte until the second part. */
function slowLogin(base: string): { req: ClientRequest; finish(): void; answer: Promise<{ status: number; body: string }> } {
  const body = JSON.stringify({ email: 'cp1@solarium.test', password: 'demo1234' });
  const url = new URL('/solarium/auth/login', base);
  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 10));
  req.flushHeaders();
  return { req, finish: () => req.end(body.slice(10)), answer };
}

describe('npm start under SIGTERM', () => {
  it('answers /readyz 503 while draining, finishes a request in flight, cuts one past the grace, and exits 0', async () => {
    const server = await servers.start({ SHUTDOWN_DELAY_MS: '1500', SHUTDOWN_GRACE_MS: '4000' });
    const { base, child } = server;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // The job runner's runs are in the metrics of the process that ran them.
    let metrics = parseMetrics(await (await fetch(`${base}/metrics`)).text());
    for (let i = 0; i < 40 && !sample(metrics, 'rulepath_job_run_duration_seconds_count', { job: 'outbox.dispatch', outcome: 'ok' }); i++) {
      await sleep(500);
      metrics = parseMetrics(await (await fetch(`${base}/metrics`)).text());
    }
    expect(sample(metrics, 'rulepath_job_run_duration_seconds_count', { job: 'outbox.dispatch', outcome: 'ok' })).toBeGreaterThan(0);

    const finishing = slowLogin(base);
    const hanging = slowLogin(base);
    const hangingOutcome = hanging.answer.then(
      (r) => `answered ${r.status}`,
      (err: Error) => `cut: ${err.message}`,
    );
    await sleep(300); // both are being read by the server
    const t0 = Date.now();
    child.kill('SIGTERM');
    await sleep(300);

    // Not ready, though still listening (SHUTDOWN_DELAY_MS): load balancers see it before the port closes.
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ success: false, error: { code: 'UNAVAILABLE', message: 'Not ready: the process is stopping' } });
    expect(ready.headers.get('connection')).toBe('close');

    // After the delay the port is closed: a new connection is refused.
    await sleep(Math.max(0, 1500 + 700 - (Date.now() - t0)));
    await expect(fetch(`${base}/livez`)).rejects.toThrow();

    // The request in flight since before the signal gets its whole answer.
    finishing.finish();
    const answered = await finishing.answer;
    expect(answered.status, answered.body).toBe(200);
    expect(JSON.parse(answered.body).data.accessToken).toBeTruthy();

    // The other never finishes: cut when the grace runs out; then jobs, outbox and database stop.
    expect(await hangingOutcome).toMatch(/^cut: /);
    expect(await exited(child)).toBe(0);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1500 + 4000 - 100);
    expect(server.output()).toContain('requests still in flight after the shutdown grace: connections cut');
    console.log(`SIGTERM to exit: ${took} ms (delay 1500 ms + grace 4000 ms, then jobs, outbox, database)`);
  });
});
