// The Studio in headless Chromium (Debian's, driven by playwright-core) against the real server and
// PostgreSQL. Every request the page makes is recorded; anything not on loopback is aborted and
// reported, so a test can assert that nothing left the machine.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from './test-server.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const hasChromium = existsSync(CHROMIUM);
/** CI sets this: a run without the browser tests is then a failure, not a skip. */
export const browserRequired = process.env.REQUIRE_BROWSER === '1';
if (!hasChromium) {
  const say = `Chromium is not installed at ${CHROMIUM}: the Studio's browser tests are skipped (apt-get install -y chromium)`;
  if (browserRequired) throw new Error(say);
  console.warn(say);
}

export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export interface StudioSession {
  server: TestServer;
  url: string;
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send off loopback (aborted). */
  external: string[];
  /** Every request the page sent. */
  requests: string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function openStudio(options: Parameters<typeof startTestServer>[0] = {}): Promise<StudioSession> {
  const server = await startTestServer(options);
  const listener = server.http.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => listener.once('listening', resolve));
  const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
  const external: string[] = [];
  const requests: string[] = [];
  await context.route('**/*', async (route) => {
    const target = new URL(route.request().url());
    requests.push(route.request().url());
    if (target.protocol === 'data:' || target.protocol === 'blob:' || LOOPBACK.has(target.hostname)) return route.continue();
    external.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Generous: the browser tests share two cores with every other test file, some of which start
  // several server processes; a real missing element still fails, only later.
  page.setDefaultTimeout(30_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    server,
    url,
    context,
    page,
    external,
    requests,
    screenshot: async (name) => void (await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })),
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      await server.close();
    },
  };
}

/** Signs in with the app's password sign-in, through the form. */
export async function signInWithPassword(page: Page, url: string, app: string, email: string): Promise<void> {
  await page.goto(`${url}/studio/#/${app}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('demo1234');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
}

/** Signs in with the app's phone sign-in, through the form (the development code is fixed). */
export async function signInWithPhone(page: Page, url: string, app: string, phone: string, code = '123456'): Promise<void> {
  await page.goto(`${url}/studio/#/${app}`);
  await page.getByLabel('Phone').fill(phone);
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await page.getByLabel('Code sent by SMS').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
}
