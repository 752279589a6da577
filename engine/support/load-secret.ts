import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A server secret (JWT signing key, OTP and mobile-number HMAC keys). From the environment in
 * production (refused when missing or short); in development generated once and kept under
 * DATA_DIR, so restarts keep sessions and hashes stable.
 */
export function loadSecret(options: { name: string; envName: string; dataDir: string; production: boolean; env?: string }): Uint8Array {
  const fromEnv = options.env;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (Buffer.byteLength(fromEnv) < 32) throw new Error(`${options.envName} must be at least 32 bytes`);
    return new TextEncoder().encode(fromEnv);
  }
  if (options.production) throw new Error(`${options.envName} is required in production`);
  const file = path.join(options.dataDir, options.name);
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process wrote it first
    }
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}
