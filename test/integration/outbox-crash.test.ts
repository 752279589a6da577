// kill -9 of the server with messages pending: after a restart, every one is delivered.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { fakeMsg91, fakeWebhookReceiver } from '../support/fakes/vendor-fakes.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-crash-'));
chmodSync(dataDir, 0o755);
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (existsSync(pidFile)) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGKILL');
    } catch {}
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start:\n${out}`)), 60_000);
    child.stdout!.on('data', () => out.includes('Rulepath is serving on') && (clearTimeout(timer), resolve()));
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  return child;
}

async function until(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

describe('outbox across a crash', () => {
  it('delivers every message that was pending when the server was killed -9', async () => {
    const msg91 = await fakeMsg91('crash-test-msg91-key');
    const hook = await fakeWebhookReceiver();
    const port = await freePort();
    const env = {
      PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '',
      DEFINITIONS_DIR: path.resolve(ROOT, 'test/fixtures/outbox-defs'),
      OUTBOX_BACKOFF_BASE_MS: '200', OUTBOX_BACKOFF_MAX_MS: '1000', OUTBOX_LEASE_MS: '1000',
      OT_MSG91_KEY: 'crash-test-msg91-key', OT_MSG91_URL: msg91.url,
      OT_HOOK_PRIMARY: `${hook.url}/a`, OT_HOOK_SECONDARY: `${hook.url}/b`, OT_HOOK_SECRET: 'crash-test-secret-0123456789',
    };
    // Every vendor is down: nothing can be delivered before the kill.
    msg91.script(...Array.from({ length: 1000 }, () => ({ status: 503, body: 'down' })));
    hook.script(...Array.from({ length: 1000 }, () => ({ status: 503, body: 'down' })));

    const first = await start(env);
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/v1/apps/outboxtest/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@outbox.test', password: 'demo1234' }) });
    const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${base}/v1/apps/outboxtest/records/ticket`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ title: `Crash ${i}`, phone: String(9820000000 + i) }) });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { data: { id: string } }).data.id);
    }
    expect(msg91.received).toHaveLength(0);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    msg91.clearScript();
    hook.clearScript();
    const second = await start(env);
    const delivered = await until(() => msg91.received.length >= 10 && hook.actedOn().length >= 10, 45_000);
    expect(delivered).toBe(true);
    expect(new Set(msg91.received.map((r) => JSON.parse(r.body).recipients[0].mobiles)).size).toBe(10);
    expect(msg91.received).toHaveLength(10);
    expect(hook.actedOn().filter((k) => ids.some((id) => k.includes(id)))).toHaveLength(10);

    second.kill('SIGTERM');
    expect(await new Promise((r) => second.once('exit', r))).toBe(0);
    await Promise.all([msg91.close(), hook.close()]);
  });
});
