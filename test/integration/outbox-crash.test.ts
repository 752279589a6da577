// kill -9 of the server with messages pending: after a restart, every one is delivered.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeMsg91, fakeWebhookReceiver } from '../support/fakes/vendor-fakes.ts';
import { exited, serverProcesses } from '../support/server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const servers = serverProcesses('rulepath-crash-');
afterAll(() => servers.cleanup());

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
    const env = {
      DEFINITIONS_DIR: path.resolve(ROOT, 'test/fixtures/outbox-defs'),
      OUTBOX_BACKOFF_BASE_MS: '200', OUTBOX_BACKOFF_MAX_MS: '1000', OUTBOX_LEASE_MS: '1000',
      OT_MSG91_KEY: 'crash-test-msg91-key', OT_MSG91_URL: msg91.url,
      OT_HOOK_PRIMARY: `${hook.url}/a`, OT_HOOK_SECONDARY: `${hook.url}/b`, OT_HOOK_SECRET: 'crash-test-secret-0123456789',
    };
    // Every vendor is down: nothing can be delivered before the kill.
    msg91.script(...Array.from({ length: 1000 }, () => ({ status: 503, body: 'down' })));
    hook.script(...Array.from({ length: 1000 }, () => ({ status: 503, body: 'down' })));

    const started = await servers.start(env);
    const first = started.child;
    const base = started.base;
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
    await exited(first);

    msg91.clearScript();
    hook.clearScript();
    const second = (await servers.start(env)).child;
    const delivered = await until(() => msg91.received.length >= 10 && hook.actedOn().length >= 10, 45_000);
    expect(delivered).toBe(true);
    expect(new Set(msg91.received.map((r) => JSON.parse(r.body).recipients[0].mobiles)).size).toBe(10);
    expect(msg91.received).toHaveLength(10);
    expect(hook.actedOn().filter((k) => ids.some((id) => k.includes(id)))).toHaveLength(10);

    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
    await Promise.all([msg91.close(), hook.close()]);
  });
});
