// server/config.ts: every variable parsed once; nonsense refused with every problem at once; the
// README's table lists every variable the module reads.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, ROOT, SETTINGS } from '../../server/config.ts';

const refusal = (env: NodeJS.ProcessEnv) => {
  try {
    readConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('configuration', () => {
  it('gives development defaults for an empty environment', () => {
    const c = readConfig({});
    expect(c).toMatchObject({ production: false, port: 3000, embeddedPgPort: 54329, jobs: true, demoData: true, echoRoute: false, workers: 1, logLevel: 'info' });
    expect(c.dataDir).toBe(path.join(ROOT, '.data'));
    expect(c.pluginsDir).toBe(path.join(ROOT, 'plugins'));
    expect(c.http).toEqual({ corsOrigins: [], headersTimeoutMs: 10_000, requestTimeoutMs: 120_000, idleTimeoutMs: 60_000, keepAliveTimeoutMs: 65_000 });
  });

  it('refuses a port that is not a number instead of turning it into NaN', () => {
    expect(refusal({ EMBEDDED_PG_PORT: 'abc' })).toContain('EMBEDDED_PG_PORT: must be a port number (0-65535) (got "abc")');
    expect(refusal({ PORT: '70000' })).toContain('PORT: must be a port number');
    expect(refusal({ OUTBOX_LEASE_MS: '1.5' })).toContain('OUTBOX_LEASE_MS: must be a whole number of milliseconds');
  });

  it('reads every spelling of a switch, and refuses one it does not know', () => {
    for (const off of ['false', 'off', '0', 'no', 'OFF', 'False']) expect(readConfig({ JOBS: off }).jobs).toBe(false);
    for (const on of ['true', 'on', '1', 'yes']) expect(readConfig({ JOBS: on, DEMO_DATA: on }).jobs).toBe(true);
    expect(readConfig({ DEMO_DATA: 'false' }).demoData).toBe(false);
    expect(readConfig({ ECHO_ROUTE: 'on' }).echoRoute).toBe(true);
    expect(refusal({ JOBS: 'maybe' })).toContain('JOBS: must be one of on/off, true/false, yes/no, 1/0 (got "maybe")');
  });

  it('lists every problem in one message, secrets never echoed', () => {
    const message = refusal({ EMBEDDED_PG_PORT: 'abc', JOBS: 'sometimes', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://u:p4ssw0rd@h/db', JWT_SECRET: 'short-secret', CORS_ORIGINS: 'https://ok.example, https://bad.example/path' });
    expect(message).toMatch(/^The configuration is refused \(6 problems/);
    for (const name of ['EMBEDDED_PG_PORT', 'JOBS', 'LOG_LEVEL', 'DATABASE_URL', 'JWT_SECRET', 'CORS_ORIGINS']) expect(message).toContain(`\n  ${name}: `);
    expect(message).not.toContain('p4ssw0rd');
    expect(message).not.toContain('short-secret');
  });

  it('requires the secrets in production', () => {
    const message = refusal({ NODE_ENV: 'production' });
    expect(message).toContain('JWT_SECRET: is required in production');
    expect(message).toContain('HASH_KEY: is required in production');
    expect(message).toContain('AUDIT_KEY: is required in production');
    const key = 'k'.repeat(32);
    expect(readConfig({ NODE_ENV: 'production', JWT_SECRET: key, HASH_KEY: key, AUDIT_KEY: key })).toMatchObject({ production: true, jwtSecret: key, hashKey: key, auditKey: key });
    expect(refusal({ NODE_ENV: 'prod' })).toContain('NODE_ENV: must be development, production or test');
  });

  it('gives definitions the environment without the server’s own settings', () => {
    const key = 'k'.repeat(40);
    const c = readConfig({ JWT_SECRET: key, DATABASE_URL: 'postgres://u:p@h/db', OTP_MODE: 'random', MSG91_AUTH_KEY: 'vendor' });
    expect(c.definitionEnv).toEqual({ OTP_MODE: 'random', MSG91_AUTH_KEY: 'vendor' });
  });

  it('takes an allow-list of origins and an empty variable as unset', () => {
    expect(readConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/' }).http.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(readConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it('is documented: the README table names every variable, and nothing it does not read', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('**Values for definitions.**'));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(Object.keys(SETTINGS));
  });

  it('npm start with nonsense exits 1 before starting anything, printing every problem', async () => {
    const err = (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env: { ...process.env, EMBEDDED_PG_PORT: 'abc', JOBS: 'maybe', NODE_ENV: 'development' } }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain('EMBEDDED_PG_PORT: must be a port number (0-65535) (got "abc")');
    expect(err.stderr).toContain('JOBS: must be one of on/off');
    expect(err.stderr).not.toContain('    at '); // no stack trace
  });
});
