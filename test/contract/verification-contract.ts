// The contract every verification provider keeps, whatever the vendor: the three outcomes told
// apart, the request's reference handed on, and failures sorted into transient (the chain tries
// the next vendor, the step is retried later) and permanent (the request's own fault).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type VerificationCheck, type VerificationProvider, type VerificationRequest } from '../../engine/plugin-api.ts';
import type { Harness } from './provider-harness.ts';

/** Documents the vendor (or its fake) knows, for each outcome. */
export interface VerificationSamples {
  pan?: { verified: Record<string, string>; mismatch: Record<string, string>; invalid: Record<string, string> };
  bankAccount?: { verified: Record<string, string>; mismatch?: Record<string, string>; invalid: Record<string, string> };
  nameMatch?: { verified: Record<string, string>; mismatch: Record<string, string> };
  /** { aadhaar }: verified gets a code sent, mismatch has no linked mobile, invalid does not exist. */
  aadhaarOtp?: { verified: Record<string, string>; mismatch?: Record<string, string>; invalid: Record<string, string> };
  /** The code that opens the e-KYC of aadhaarOtp's verified Aadhaar (its reference is asked for first), and a wrong one. */
  aadhaarKyc?: { otp: string; wrongOtp: string };
}

let counter = 0;
const request = (check: VerificationCheck, subject: Record<string, string>): VerificationRequest => ({ check, subject, reference: `contract-${process.pid}-${++counter}` });

/** The delivered item is what the vendor (fake) received; `keyOf` there reads the reference it got. */
export function describeVerificationContract<D>(name: string, samples: VerificationSamples, setup: () => Promise<Harness<VerificationProvider, D>>, options: { vendorClient: boolean }) {
  describe(`verification provider ${name} (contract)`, () => {
    let h: Harness<VerificationProvider, D>;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('offers only checks it has samples for, and at least one', () => {
      expect(h.provider.checks.length).toBeGreaterThan(0);
      for (const check of h.provider.checks) expect(samples[check], `samples for ${check}`).toBeDefined();
    });

    for (const check of ['pan', 'bankAccount', 'nameMatch', 'aadhaarOtp'] as const) {
      const s = samples[check];
      if (!s) continue;
      for (const outcome of ['verified', 'mismatch', 'invalid'] as const) {
        const subject = (s as Partial<Record<typeof outcome, Record<string, string>>>)[outcome];
        if (!subject) continue;
        it(`${check}: answers ${outcome} for a document that is ${outcome}`, async () => {
          const result = await h.provider.verify(request(check, subject));
          expect(result.outcome).toBe(outcome);
          expect(typeof result.facts).toBe('object');
          expect(typeof result.evidence).toBe('object');
          if (outcome === 'verified' && (check === 'pan' || check === 'bankAccount')) expect(typeof result.facts.registeredName).toBe('string');
          // The reference aadhaarKyc needs, only when a code was sent; never the Aadhaar number.
          if (check === 'aadhaarOtp') expect(result.facts.reference === null || outcome === 'verified').toBe(true);
          if (check === 'aadhaarOtp' && outcome === 'verified') expect(result.facts.reference).toEqual(expect.any(String));
          if (check === 'aadhaarOtp') expect(JSON.stringify(result.facts)).not.toContain(subject.aadhaar);
        });
      }
    }

    const kyc = samples.aadhaarKyc;
    if (kyc) {
      const referenceFor = async () => {
        const sent = await h.provider.verify(request('aadhaarOtp', samples.aadhaarOtp!.verified));
        return String(sent.facts.reference);
      };
      it('aadhaarKyc: answers the e-KYC, as plain strings, for the code sent under an aadhaarOtp reference', async () => {
        const result = await h.provider.verify(request('aadhaarKyc', { reference: await referenceFor(), otp: kyc.otp }));
        expect(result.outcome).toBe('verified');
        for (const fact of ['name', 'addressLine', 'city', 'state', 'pinCode']) expect(typeof result.facts[fact], fact).toBe('string');
        expect(result.facts.pinCode).toMatch(/^[1-9][0-9]{5}$/);
        expect(result.facts.dateOfBirth === null || /^\d{4}-\d{2}-\d{2}$/.test(String(result.facts.dateOfBirth))).toBe(true);
      });

      it('aadhaarKyc: answers invalid for a wrong code', async () => {
        const result = await h.provider.verify(request('aadhaarKyc', { reference: await referenceFor(), otp: kyc.wrongOtp }));
        expect(result.outcome).toBe('invalid');
      });
    }

    /** The provider's first check that stands alone (aadhaarKyc needs an aadhaarOtp first), with its verified sample. */
    const standalone = () => {
      const check = h.provider.checks.find((c): c is Exclude<VerificationCheck, 'aadhaarKyc'> => c !== 'aadhaarKyc')!;
      return request(check, samples[check]!.verified);
    };

    it('hands the vendor the request reference, where its API has a place for one', async (ctx) => {
      if (!h.keyOf) return ctx.skip();
      const r = standalone();
      const result = await h.provider.verify(r);
      expect(h.delivered().map((d) => h.keyOf!(d))).toContain(r.reference);
      expect(result.vendorReference).toEqual(expect.any(String));
    });

    const vendor = (title: string, fn: () => Promise<void>) => (options.vendorClient ? it(title, fn) : undefined);
    const anyRequest = standalone;

    vendor('turns 429 into a transient ProviderError carrying Retry-After', async () => {
      h.script!({ status: 429, body: '{"message":"Too many requests"}', headers: { 'retry-after': '7' } });
      const err = (await h.provider.verify(anyRequest()).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(true);
      expect(err.retryAfterMs).toBe(7000);
    });

    vendor('turns 5xx into a transient ProviderError (the next vendor of the chain takes over)', async () => {
      h.script!({ status: 502, body: 'bad gateway' });
      const err = (await h.provider.verify(anyRequest()).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(true);
    });

    vendor('turns bad credentials into a permanent ProviderError', async () => {
      h.script!({ status: 401, body: '{"message":"authentication failed"}' });
      const err = (await h.provider.verify(anyRequest()).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(false);
    });

    vendor('gives up on a slow vendor after its timeout with a transient ProviderError', async () => {
      h.script!({ delayMs: (h.timeoutMs ?? 1000) + 500 });
      const started = Date.now();
      const err = (await h.provider.verify(anyRequest()).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.transient).toBe(true);
      expect(Date.now() - started).toBeLessThan((h.timeoutMs ?? 1000) + 2000);
    });
  });
}
