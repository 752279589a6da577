// Azurite (Microsoft's Azure Storage emulator, a devDependency) for the Azure Blob provider's tests:
// one blob service per test file, on loopback, in memory, in a fresh temp folder, stopped after.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** Azurite's well-known development account (documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  /** The blob endpoint, path-style: http://127.0.0.1:<port>/devstoreaccount1 */
  endpoint: string;
  account: string;
  key: string;
  stop(): Promise<void>;
}

const blobMain = path.join(path.dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist/src/blob/main.js');

/**
 * Starts azurite-blob on 127.0.0.1 and resolves once it listens. Port 0 lets the kernel choose, and
 * Azurite prints the port it got: no window between choosing a free port and binding it.
 * Telemetry is off (it would otherwise post to Application Insights), so nothing leaves loopback.
 */
export async function startAzurite(options: { timeoutMs?: number } = {}): Promise<Azurite> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-azurite-'));
  const args = [blobMain, '--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--extentMemoryLimit', '256', '--skipApiVersionCheck', '--disableTelemetry', '--silent'];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // If the test process ends without stop() (a crash, a killed worker), Azurite goes with it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  let output = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`)), options.timeoutMs ?? 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', (err) => (clearTimeout(timer), reject(err)));
      child.once('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`Azurite exited (${code ?? signal}) before listening:\n${output}`))));
    });
    return {
      endpoint: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
      account: AZURITE_ACCOUNT,
      key: AZURITE_KEY,
      stop: async () => {
        process.off('exit', orphanGuard);
        await stopChild(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    process.off('exit', orphanGuard);
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => (clearTimeout(kill), resolve()));
    child.kill('SIGTERM');
  });
}
