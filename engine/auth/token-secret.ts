import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The HMAC key for access tokens. JWT_SECRET in production (refused when missing or short);
 * in development a random key is generated once and kept under DATA_DIR, so restarts keep sessions.
 */
export function loadTokenSecret(options: { dataDir: string; production: boolean; env?: string }): Uint8Array {
  const fromEnv = options.env;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (Buffer.byteLength(fromEnv) < 32) throw new Error('JWT_SECRET must be at least 32 bytes');
    return new TextEncoder().encode(fromEnv);
  }
  if (options.production) throw new Error('JWT_SECRET is required in production');
  const file = path.join(options.dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}
