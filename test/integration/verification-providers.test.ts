// Verification providers (kind `verification`): each through the contract kit; the development
// fixtures' documents and their refusal in production; names matched the way KYC matches them.
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProviderError, type VerificationProvider } from '../../engine/plugin-api.ts';
import { createProvider, loadPluginCatalog } from '../../engine/providers/plugin-catalog.ts';
import { nameMatchScore } from '../../plugins/verification/name-match-score.ts';
import { testDeps } from '../contract/provider-harness.ts';
import { describeVerificationContract, type VerificationSamples } from '../contract/verification-contract.ts';

const catalog = await loadPluginCatalog(path.resolve(import.meta.dirname, '../../plugins'));
const deps = (production = false) => testDeps({ dataDir: os.tmpdir(), production });
const fixtures = (config: Record<string, unknown> = {}, production = false) => createProvider(catalog, 'verification', 'fixtures', config, deps(production), {}) as VerificationProvider;

/** The fixtures' test documents (plugins/verification/fixtures): digits 0000 not found, 9999 another name. */
export const FIXTURE_SAMPLES: VerificationSamples = {
  pan: { verified: { pan: 'ABCDE1234F', name: 'Asha Rao' }, mismatch: { pan: 'ABCDE9999F', name: 'Asha Rao' }, invalid: { pan: 'ABCDE0000F', name: 'Asha Rao' } },
  bankAccount: { verified: { accountNumber: '026291800001191', ifsc: 'YESB0000262', name: 'Asha Rao' }, mismatch: { accountNumber: '026291809999', ifsc: 'YESB0000262', name: 'Asha Rao' }, invalid: { accountNumber: '026291800000', ifsc: 'YESB0000262', name: 'Asha Rao' } },
  nameMatch: { verified: { name: 'Mrs. Asha K. Rao', against: 'RAO ASHA KUMARI' }, mismatch: { name: 'Asha Rao', against: 'Ravi Kumar' } },
};

describeVerificationContract('fixtures', FIXTURE_SAMPLES, async () => ({ provider: fixtures(), delivered: () => [], close: async () => undefined }), { vendorClient: false });

describe('verification fixtures (development)', () => {
  it('finds a well-formed document under the name given, and a configured answer wins', async () => {
    const p = fixtures({ answers: { ABCDE1234F: { outcome: 'mismatch', registeredName: 'SOMEONE ELSE' } } });
    const given = await p.verify({ check: 'pan', subject: { pan: 'PQRST6789K', name: 'Asha Rao' }, reference: 'r1' });
    expect(given).toMatchObject({ outcome: 'verified', facts: { registeredName: 'ASHA RAO', nameMatchScore: 100 }, vendorReference: 'fixtures-r1' });
    expect((await p.verify({ check: 'pan', subject: { pan: 'ABCDE1234F', name: 'Asha Rao' }, reference: 'r2' })).facts.registeredName).toBe('SOMEONE ELSE');
  });

  it('answers a found document whose name is not close enough as a mismatch (threshold configurable)', async () => {
    const strict = fixtures({ answers: { ABCDE1234F: { outcome: 'verified', registeredName: 'ASHA KUMARI RAO' } }, nameMatchThreshold: 90 });
    const lenient = fixtures({ answers: { ABCDE1234F: { outcome: 'verified', registeredName: 'ASHA KUMARI RAO' } }, nameMatchThreshold: 60 });
    const asked = { check: 'pan' as const, subject: { pan: 'ABCDE1234F', name: 'Asha Rao' }, reference: 'r3' };
    expect((await strict.verify(asked)).outcome).toBe('mismatch');
    expect((await lenient.verify(asked)).outcome).toBe('verified');
  });

  it('refuses every call in production, as a permanent error (a fixture never verifies a real applicant)', async () => {
    const err = await fixtures({}, true).verify({ check: 'pan', subject: { pan: 'ABCDE1234F' }, reference: 'r4' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ transient: false, vendorCode: 'DEVELOPMENT_ONLY' });
  });
});

describe('name match score', () => {
  it.each([
    ['Asha Rao', 'ASHA RAO', 100],
    ['Rao Asha', 'Asha Rao', 100],
    ['Mr. Anil Kumar Sharma', 'A. K. Sharma', 100],
    ['Anil Kumar Sharma', 'Anil Sharma', 67],
    ['Asha Rao', 'Ravi Kumar', 0],
    ['', 'Asha', 0],
    ['Ásha Rao', 'Asha Rao', 100],
  ])('%s ~ %s = %i', (a, b, score) => {
    expect(nameMatchScore(a, b)).toBe(score);
  });
});
