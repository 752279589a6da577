// NODE_ENV=production: each reference app loads with random OTPs and the vendors the environment
// turns on (definitions read `${OTP_MODE:-fixed}`, providers `enabledBy`), and refuses to start
// where it would fall back to development behaviour.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAppDir } from '../../engine/index.ts';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import { readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';
import { ROOT } from '../../server/config.ts';
import { exited, serverProcesses } from '../support/server-process.ts';

const DEFINITIONS = path.join(ROOT, 'definitions');
const APPS = ['ekyc', 'promopartner', 'solarium'];
const KEY = 'production-test-key-of-more-than-32-bytes';
const VENDORS = {
  MSG91_AUTH_KEY: 'msg91-auth-key-0001',
  MSG91_TEMPLATE_ID: 'tmpl-1',
  NETCORE_FEED_ID: 'feed-1',
  NETCORE_USERNAME: 'ekyc',
  NETCORE_PASSWORD: 'netcore-pass',
  SENDGRID_API_KEY: 'SG.production-test-key',
  CASHFREE_CLIENT_ID: 'cf-production-client',
  CASHFREE_CLIENT_SECRET: 'cf-production-secret',
  SOLARIUM_MAIL_FROM: 'hello@solarium.example',
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: '2525',
};

const servers = serverProcesses('rulepath-production-');
afterAll(() => servers.cleanup());

describe('definitions in production mode', () => {
  it.each(APPS)('%s loads with OTP_MODE=random and refuses its development default', (app) => {
    const ok = loadAppDir(path.join(DEFINITIONS, app), DEFINITIONS, { production: true, env: { OTP_MODE: 'random' } });
    expect(ok.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    for (const policy of ok.app!.otpPolicies.values()) expect(policy.mode).toBe('random');

    const dev = loadAppDir(path.join(DEFINITIONS, app), DEFINITIONS, { production: true, env: {} });
    expect(dev.app).toBeUndefined();
    expect(dev.problems.map((p) => p.path)).toContain('$.mode');
    // Development (no production flag): the default applies, the demo code works.
    const devApp = loadAppDir(path.join(DEFINITIONS, app), DEFINITIONS, { env: {} }).app!;
    expect([...devApp.otpPolicies.values()].every((p) => p.mode === 'fixed')).toBe(true);
  });

  it('a reference without a default is a problem naming the variable, not an empty value', () => {
    const { files } = readDefinitionFiles(path.join(DEFINITIONS, 'ekyc'));
    const edited = files.map((f) => (f.file.endsWith('mobile-otp.otp.yaml') ? { ...f, content: { ...(f.content as object), mode: '${EKYC_OTP_MODE}' } } : f));
    const { app, problems } = compileAppFiles(edited, [], DEFINITIONS, { env: {} });
    expect(app).toBeUndefined();
    expect(problems).toContainEqual({ file: 'ekyc/mobile-otp.otp.yaml', path: '$.mode', message: 'Environment variable EKYC_OTP_MODE is not set (a definition may give a default: ${EKYC_OTP_MODE:-value})' });
    expect(compileAppFiles(edited, [], DEFINITIONS, { env: { EKYC_OTP_MODE: 'random' } }).app).toBeDefined();
  });

  it('never lets a definition read a credential outside a provider config', () => {
    const { files } = readDefinitionFiles(path.join(DEFINITIONS, 'ekyc'));
    const edited = files.map((f) => (f.file.endsWith('app.yaml') ? { ...f, content: { ...(f.content as object), name: 'eKYC ${NETCORE_PASSWORD} ${HASH_KEY:-x}' } } : f));
    const { app, problems } = compileAppFiles(edited, [], DEFINITIONS, { env: { NETCORE_PASSWORD: 'secret-value' } });
    expect(app).toBeUndefined();
    expect(problems.map((p) => p.message)).toEqual([
      'Environment variable NETCORE_PASSWORD looks like a credential: only a provider\'s config may read one',
      'Environment variable HASH_KEY looks like a credential: only a provider\'s config may read one',
    ]);
  });
});

describe('npm start with NODE_ENV=production', () => {
  it('serves all three apps given the secrets, OTP_MODE=random and a vendor per kind', async () => {
    const started = await servers.start({ NODE_ENV: 'production', JWT_SECRET: KEY, HASH_KEY: KEY, AUDIT_KEY: KEY, OTP_MODE: 'random', JOBS: 'off', ...VENDORS });
    expect(started.output()).not.toContain('definitions refused');
    expect(started.output()).not.toMatch(/demo (admin|cp|kam)/); // no demo users in production
    const health = (await (await fetch(`${started.base}/healthz`)).json()) as { data: { apps: string[] } };
    expect(health.data.apps.sort()).toEqual(APPS);
    // A fixed code would be the printed demo code; production never has one.
    const otp = await fetch(`${started.base}/solarium/auth/otp/request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '9000000099' }) });
    expect(otp.status).toBeLessThan(500);
    started.child.kill('SIGTERM');
    expect(await exited(started.child)).toBe(0);
  });

  it('refuses to start while an app would send its codes only to the log', async () => {
    const { SMTP_HOST: _smtp, ...withoutSmtp } = VENDORS;
    const failed = await servers.start({ NODE_ENV: 'production', JWT_SECRET: KEY, HASH_KEY: KEY, AUDIT_KEY: KEY, OTP_MODE: 'random', JOBS: 'off', ...withoutSmtp }).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(failed).toMatch(/App "promopartner": no email provider is turned on in production; set SMTP_HOST/);
  });
});
