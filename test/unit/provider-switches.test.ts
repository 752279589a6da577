// A provider an app names may be switched on by an environment variable (`enabledBy`): Solarium
// sends SMS by msg91 and e-mail by SendGrid where their keys are set, and prints them to the log
// in development; a production start refuses an app whose vendors are all switched off.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../engine/index.ts';
import { createAppProviders } from '../../engine/providers/app-providers.ts';
import { loadPluginCatalog } from '../../engine/providers/plugin-catalog.ts';
import { compileAppFiles, loadAppDir } from '../../engine/registry/compile-app.ts';
import { readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';

const catalog = await loadPluginCatalog(path.resolve(import.meta.dirname, '../../plugins'));
const deps = { fetch: globalThis.fetch, clock: () => new Date(), logger: createLogger('silent'), dataDir: '/tmp', production: false };
const app = compileAppFiles([
  {
    file: 'shop/app.yaml',
    content: {
      kind: 'app',
      id: 'shop',
      name: 'Shop',
      roles: { clerk: {} },
      providers: {
        sms: [{ provider: 'msg91', enabledBy: 'MSG91_AUTH_KEY', config: { authKey: '${MSG91_AUTH_KEY}', templateId: 'tpl-1' } }],
        email: [{ provider: 'sendgrid', enabledBy: 'SENDGRID_API_KEY', config: { apiKey: '${SENDGRID_API_KEY}', from: 'ops@shop.test' } }, { provider: 'smtp', config: { host: 'localhost', port: 25, from: 'ops@shop.test' } }],
      },
    },
  },
]).app!;

const names = (chain: unknown) => [...(chain as { breakers: ReadonlyMap<string, unknown> }).breakers.keys()];

describe('providers switched on by the environment', () => {
  it('uses a vendor whose variable is set, and leaves out one whose variable is not', () => {
    const on = createAppProviders(catalog, deps, undefined, { production: true, env: { MSG91_AUTH_KEY: 'k'.repeat(20) } })(app);
    expect(names(on.sms)).toEqual(['msg91']);
    expect(names(on.email)).toEqual(['smtp']);
  });

  it('falls back to the log in development when every named vendor is off', () => {
    const dev = createAppProviders(catalog, deps, undefined, { production: false, env: {} })(app);
    expect(names(dev.sms)).toEqual(['console']);
  });

  it('refuses, in production, a kind whose every named vendor is off', () => {
    expect(() => createAppProviders(catalog, deps, undefined, { production: true, env: {} })(app)).toThrow(/no sms provider is turned on in production; set MSG91_AUTH_KEY/);
  });

  it('gives an app that verifies documents the fixtures in development, and refuses it in production without a verification vendor', () => {
    const ekyc = loadAppDir(path.resolve(import.meta.dirname, '../../definitions/ekyc')).app!;
    expect(names(createAppProviders(catalog, deps, undefined, { production: false, env: {} })(ekyc).verification)).toEqual(['fixtures']);
    expect(() => createAppProviders(catalog, deps, undefined, { production: true, env: { NETCORE_FEED_ID: 'f', NETCORE_USERNAME: 'u', NETCORE_PASSWORD: 'p' } })(ekyc)).toThrow(/no verification provider is turned on in production; set CASHFREE_CLIENT_ID or SETU_CLIENT_ID/);
    // A move verifying a check no vendor turned on offers could never be verified: refused. Setu alone
    // verifies the PAN and the bank account, but not the Aadhaar offline e-KYC (Cashfree's only).
    const setuOnly = { NETCORE_FEED_ID: 'f', NETCORE_USERNAME: 'u', NETCORE_PASSWORD: 'p', SETU_CLIENT_ID: 'id', SETU_CLIENT_SECRET: 's', SETU_PRODUCT_INSTANCE_ID: 'i' };
    expect(() => createAppProviders(catalog, deps, undefined, { production: true, env: setuOnly })(ekyc)).toThrow(/move "request_aadhaar_otp" verifies a aadhaarOtp check that no verification provider turned on offers/);
    const cashfreeOnly = { NETCORE_FEED_ID: 'f', NETCORE_USERNAME: 'u', NETCORE_PASSWORD: 'p', CASHFREE_CLIENT_ID: 'id', CASHFREE_CLIENT_SECRET: 's' };
    expect(names(createAppProviders(catalog, deps, undefined, { production: true, env: cashfreeOnly })(ekyc).verification)).toEqual(['cashfree']);
    const on = createAppProviders(catalog, deps, undefined, { production: true, env: { NETCORE_FEED_ID: 'f', NETCORE_USERNAME: 'u', NETCORE_PASSWORD: 'p', CASHFREE_CLIENT_ID: 'id', CASHFREE_CLIENT_SECRET: 's', SETU_CLIENT_ID: 'id', SETU_CLIENT_SECRET: 's', SETU_PRODUCT_INSTANCE_ID: 'i' } })(ekyc);
    expect(names(on.verification)).toEqual(['cashfree', 'setu']);
    // An app whose moves verify and that names no verification vendor at all does not start in production.
    const files = readDefinitionFiles(path.resolve(import.meta.dirname, '../../definitions/ekyc')).files.map((f) => {
      if (!f.file.endsWith('app.yaml')) return f;
      const { verification: _, ...providers } = (f.content as { providers: Record<string, unknown> }).providers;
      return { ...f, content: { ...(f.content as object), providers } };
    });
    const unnamed = compileAppFiles(files).app!;
    expect(() => createAppProviders(catalog, deps, undefined, { production: true, env: { NETCORE_FEED_ID: 'f', NETCORE_USERNAME: 'u', NETCORE_PASSWORD: 'p' } })(unnamed)).toThrow(/verifies documents in its moves but names no verification provider for production/);
    // An app that names none and verifies nothing keeps the fixtures, which refuse every call in production.
    expect(names(createAppProviders(catalog, deps, undefined, { production: true, env: { MSG91_AUTH_KEY: 'k'.repeat(20), SENDGRID_API_KEY: 'SG.test-key-0123' } })(app).verification)).toEqual(['fixtures']);
  });
});
