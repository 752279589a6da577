import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog, type Engine, type Logger } from '../../engine/index.ts';
import type { BackoffPolicy } from '../../engine/notify/backoff.ts';
import type { BreakerOptions } from '../../engine/providers/provider-chain.ts';
import type { ProviderPlugin } from '../../engine/plugin-api.ts';
import { createHttpApp, type AppOptions } from '../../server/app.ts';
import { createTestDatabase } from './test-database.ts';

export const DEFINITIONS_DIR = path.resolve(import.meta.dirname, '../../definitions');
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface TestServer {
  engine: Engine;
  request: supertest.Agent;
  http: ReturnType<typeof createHttpApp>;
  /** The owner's connection (tests look at and tamper with tables through it); the engine connects as the app role. */
  databaseUrl: string;
  /** Where the engine keeps its generated secrets (the audit key) and fs blobs. */
  dataDir: string;
  clock: { now: Date };
  /** Logs a demo user in and returns their bearer token. */
  login(email: string, app?: string): Promise<string>;
  close(): Promise<void>;
}

/** The real server (engine + HTTP) on its own database, with demo users and a settable clock. */
export const PLUGINS_DIR = path.resolve(import.meta.dirname, '../../plugins');

export async function startTestServer(
  options: { definitionsDir?: string; echoRoute?: boolean; backoff?: BackoffPolicy; breaker?: BreakerOptions; env?: Record<string, string>; plugins?: ProviderPlugin[]; logger?: Logger } & Pick<AppOptions, 'serving' | 'metricsToken' | 'tracing'> = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const db = createDatabase(database.appUrl);
  const clock = { now: new Date() };
  const logger = options.logger ?? createLogger('silent');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-data-'));
  const engine = await createEngine({
    db,
    // Plugins a test brings (a blob store that fails on demand) beside those of plugins/.
    plugins: new Map([...(await loadPluginCatalog(PLUGINS_DIR)), ...(options.plugins ?? []).map((p) => [`${p.kind}/${p.name}`, p] as const)]),
    backoff: options.backoff,
    breaker: options.breaker,
    definitionsDir: options.definitionsDir ?? DEFINITIONS_DIR,
    dataDir,
    production: false,
    logger,
    jwtSecret: TEST_SECRET,
    clock: () => clock.now,
    // What definitions' ${NAME} and providers' enabledBy read; unset: this process's environment.
    env: options.env,
  });
  await engine.seedDemoUsers();
  const http = createHttpApp(engine, logger, { echoRoute: options.echoRoute, serving: options.serving, metricsToken: options.metricsToken, tracing: options.tracing });
  const request = supertest.agent(http);
  const tokens = new Map<string, string>();
  return {
    engine,
    request,
    http,
    databaseUrl: database.url,
    dataDir,
    clock,
    async login(email, app = 'solarium') {
      const key = `${app}/${email}`;
      if (!tokens.has(key)) {
        const res = await supertest(http).post(`/v1/apps/${app}/auth/login`).send({ email, password: 'demo1234' });
        if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
        tokens.set(key, res.body.data.accessToken as string);
      }
      return tokens.get(key)!;
    },
    async close() {
      await engine.outbox.idle();
      await closeDatabase(db);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
