// The eKYC PAN step against real vendor plugins on loopback fakes of their documented APIs:
// Cashfree first, Setu behind it. Failover when the first answers 5xx, the breaker keeping a
// failing vendor out, and — every vendor down — 503 with Retry-After, nothing moved, the call kept.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeCashfreeVerification, fakeSetuPan } from '../support/fakes/verification-fakes.ts';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const CASHFREE = { clientId: 'CF-journey-client', clientSecret: 'cf-journey-secret' };
const SETU = { clientId: 'setu-journey-client', clientSecret: 'setu-journey-secret', productInstanceId: 'a3c5d1e2-0000-4000-8000-000000000002' };
const ROOT = path.resolve(import.meta.dirname, '../..');

let s: TestServer;
let cashfree: Awaited<ReturnType<typeof fakeCashfreeVerification>>;
let setu: Awaited<ReturnType<typeof fakeSetuPan>>;
let dir: string;
let mobile = 9866000000;

beforeAll(async () => {
  cashfree = await fakeCashfreeVerification(CASHFREE);
  setu = await fakeSetuPan(SETU);
  // The shipped definitions, with eKYC naming its verification vendors (as production would).
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-ekyc-vendors-'));
  cpSync(path.join(ROOT, 'definitions'), dir, { recursive: true });
  const app = path.join(dir, 'ekyc', 'app.yaml');
  const providers = `
  verification:
    - provider: cashfree
      config: { clientId: ${CASHFREE.clientId}, clientSecret: ${CASHFREE.clientSecret}, baseUrl: "${cashfree.url}/verification", timeoutMs: 2000 }
    - provider: setu
      config: { clientId: ${SETU.clientId}, clientSecret: ${SETU.clientSecret}, productInstanceId: ${SETU.productInstanceId}, baseUrl: "${setu.url}", timeoutMs: 2000 }
`;
  writeFileSync(app, readFileSync(app, 'utf8').replace(/^providers:\n/m, `providers:${providers}`));
  s = await startTestServer({ definitionsDir: dir, breaker: { errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeoutMs: 60_000, rollingWindowMs: 60_000 } });
});
afterAll(async () => {
  await s?.close();
  await cashfree?.close();
  await setu?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(s.databaseUrl, text, values);

/** An applicant at stage 2 (mobile verified), with their journey token. */
async function atPanStep() {
  const signup = await s.request.post('/ekyc/api/v1/registration/signup').send({ mobileNumber: String(mobile++), fullName: 'Asha Rao', consentTerms: true, consentBankAutoverify: false });
  const journey = { authorization: `Bearer ${signup.headers['x-session-token']}` };
  const leadId = signup.body.data.leadId as string;
  expect((await s.request.post('/ekyc/api/v1/registration/verify-otp').set(journey).send({ leadId, otp: '1234' })).status).toBe(200);
  return { leadId, submitPan: () => s.request.post('/ekyc/api/v1/pan/submit').set(journey).send({ leadId, panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' }) };
}
const calls = (leadId: string) => sql<{ outcome: string; provider: string | null }>('SELECT outcome, provider FROM verifications WHERE record_id = $1 ORDER BY at, reference', [leadId]);

describe('eKYC PAN verification through Cashfree, then Setu', () => {
  it('asks the first vendor, which verifies the PAN', async () => {
    const a = await atPanStep();
    const res = await a.submitPan();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.state).toBe('PAN_SUBMITTED');
    expect(await calls(a.leadId)).toEqual([{ outcome: 'verified', provider: 'cashfree' }]);
    // The request's reference reached Cashfree as its verification_id.
    expect(cashfree.received.at(-1)!.body).toContain(`"verification_id"`);
  });

  it('fails over to the second vendor when the first answers 5xx', async () => {
    const a = await atPanStep();
    cashfree.script({ status: 503, body: 'upstream down' });
    const before = setu.calls();
    const res = await a.submitPan();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await calls(a.leadId)).toEqual([{ outcome: 'verified', provider: 'setu' }]);
    expect(setu.calls()).toBe(before + 1);
  });

  it('answers 503 with Retry-After when no vendor can answer, moving nothing and keeping the call as evidence; the breaker then keeps the failing vendor out', async () => {
    const a = await atPanStep();
    cashfree.script({ status: 502, body: 'bad gateway' }, { status: 502, body: 'bad gateway' }, { status: 502, body: 'bad gateway' });
    setu.script({ status: 500, body: 'down' });
    const res = await a.submitPan();
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('VERIFICATION_UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect((await sql<{ state: string }>('SELECT state FROM records WHERE id = $1', [a.leadId]))[0]!.state).toBe('MOBILE_VERIFIED');
    expect(await calls(a.leadId)).toEqual([{ outcome: 'unavailable', provider: null }]);

    // Two more 502s from Cashfree (answered by Setu) open its breaker: the next PAN never reaches it.
    for (let i = 0; i < 2; i++) expect((await (await atPanStep()).submitPan()).status).toBe(200);
    const cashfreeCalls = cashfree.calls();
    const b = await atPanStep();
    expect((await b.submitPan()).status).toBe(200);
    expect(cashfree.calls()).toBe(cashfreeCalls);
    expect(await calls(b.leadId)).toEqual([{ outcome: 'verified', provider: 'setu' }]);
  });
});
