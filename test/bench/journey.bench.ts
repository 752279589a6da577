// npm run bench:journey — eKYC applicants through the whole journey over HTTP, against npm start,
// with the verification vendors as loopback fakes of their APIs answering in 150 ± 50 ms (Cashfree
// first, Setu behind it). BENCH_APPLICANTS (20) at once; journeys per minute, p50/p99 per step.
// Then the same with Cashfree failing every other call: the PAN and the bank account (Setu's penny
// drop) fail over to Setu.
// Every figure is printed beside the healthy run's, from the same process on the same machine.
import { randomInt } from 'node:crypto';
import { fakeCashfreeVerification, fakeSetu } from '../support/fakes/verification-fakes.ts';
import { startServer } from './bench-server.ts';
import { TINY_PNG as PNG } from '../support/tiny-png.ts';

const APPLICANTS = Number(process.env.BENCH_APPLICANTS ?? 20);
const CASHFREE = { clientId: 'bench-cashfree', clientSecret: 'bench-cashfree-secret' };
const SETU = { clientId: 'bench-setu', clientSecret: 'bench-setu-secret', productInstanceId: 'a3c5d1e2-0000-4000-8000-0000000000b1' };
const latency = () => 150 + randomInt(-50, 51);

const cashfree = await fakeCashfreeVerification(CASHFREE);
const setu = await fakeSetu(SETU);
cashfree.conditions({ latencyMs: latency });
setu.conditions({ latencyMs: latency });
const server = await startServer({
  env: {
    CASHFREE_CLIENT_ID: CASHFREE.clientId, CASHFREE_CLIENT_SECRET: CASHFREE.clientSecret, CASHFREE_VERIFICATION_URL: `${cashfree.url}/verification`,
    SETU_CLIENT_ID: SETU.clientId, SETU_CLIENT_SECRET: SETU.clientSecret, SETU_PRODUCT_INSTANCE_ID: SETU.productInstanceId, SETU_URL: setu.url,
  },
});

async function call(path: string, body: unknown, token?: string) {
  const res = await fetch(`${server.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, token: res.headers.get('x-session-token'), body: (await res.json()) as { data?: { leadId?: string; state?: string; accessToken?: string }; error?: { code: string } } };
}

const ops = (await call('/v1/apps/ekyc/auth/login', { email: 'ops@ekyc.test', password: 'demo1234' })).body.data!.accessToken!;
let mobile = 7000000000 + (Date.now() % 1_000_000) * 1000;

// Signup, then each stage (the three documents uploaded before their stages), then the approval.
const STEPS: [string, Record<string, unknown>][] = [
  ['registration/verify-otp', { otp: '1234' }],
  ['pan/submit', { panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' }],
  ['address/submit', { addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' }],
  ['email/submit', { email: 'asha@example.in' }],
  ['email/verify-otp', { otp: '123456' }],
  ['personal-details/submit', { dateOfBirth: '1990-04-12', gender: 'female', maritalStatus: 'single', occupation: 'salaried', annualIncome: '5l_10l' }],
  ['bank-account/submit', { bankAccountNumber: '026291800001191', ifsc: 'YESB0000262' }],
  ['plan/submit', { segments: ['equity'], plan: 'pro' }],
  ['nominees/submit', { nominees: [] }],
  ['income-proof/submit', {}],
  ['selfie/submit', {}],
  ['signature/submit', {}],
  ['declarations/submit', { taxResidentOutsideIndia: false, politicallyExposed: false, declarationsAccepted: true }],
  ['esign/request', {}],
  ['esign/confirm', { otp: '1234' }],
  ['application/submit', {}],
];

const SLOTS: Record<string, string> = { 'income-proof/submit': 'income_proof', 'selfie/submit': 'selfie', 'signature/submit': 'signature' };
async function upload(leadId: string, slot: string, token: string) {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), `${slot}.png`);
  return (await fetch(`${server.base}/v1/apps/ekyc/records/lead/${leadId}/files/${slot}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })).status;
}

/** One applicant's journey: each step's time; where it stopped, if it did. */
async function journey(times: Map<string, number[]>): Promise<{ done: boolean; stoppedAt?: string }> {
  const note = (step: string, ms: number) => times.set(step, [...(times.get(step) ?? []), ms]);
  let t = performance.now();
  const signup = await call('/ekyc/api/v1/registration/signup', { mobileNumber: String(mobile++), fullName: 'Asha Rao', consentTerms: true, consentBankAutoverify: false });
  note('registration/signup', performance.now() - t);
  if (signup.status !== 200) return { done: false, stoppedAt: `signup ${signup.status}` };
  const leadId = signup.body.data!.leadId!;
  let token = signup.token!;
  for (const [path, body] of STEPS) {
    const slot = SLOTS[path];
    if (slot) {
      t = performance.now();
      const uploaded = await upload(leadId, slot, token);
      note(`upload ${slot}`, performance.now() - t);
      if (uploaded !== 201) return { done: false, stoppedAt: `upload ${slot} ${uploaded}` };
    }
    t = performance.now();
    const res = await call(`/ekyc/api/v1/${path}`, { leadId, ...body }, token);
    note(path, performance.now() - t);
    if (res.status !== 200 || /PENDING|REVIEW/.test(res.body.data?.state ?? '')) return { done: false, stoppedAt: `${path} → ${res.body.data?.state ?? res.body.error?.code}` };
    token = res.token ?? token;
  }
  t = performance.now();
  const approved = await call(`/ekyc/api/v1/leads/${leadId}/approve`, {}, ops);
  note('leads/{id}/approve (ops)', performance.now() - t);
  return { done: approved.status === 200 };
}

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function scenario() {
  const times = new Map<string, number[]>();
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: APPLICANTS }, () => journey(times)));
  const minutes = (performance.now() - started) / 60_000;
  const stopped = new Map<string, number>();
  for (const o of outcomes) if (!o.done) stopped.set(o.stoppedAt!, (stopped.get(o.stoppedAt!) ?? 0) + 1);
  return { times, done: outcomes.filter((o) => o.done).length, perMinute: outcomes.filter((o) => o.done).length / minutes, seconds: minutes * 60, stopped };
}

const healthy = await scenario();
cashfree.conditions({ latencyMs: latency, fails: (n) => n % 2 === 0 });
const degraded = await scenario();

console.log(`\njourney benchmark: ${APPLICANTS} applicants at once through the eKYC journey (signup, 14 steps, 3 uploads, the approval), npm start on 2 cores, vendors 150 ± 50 ms`);
console.log(`${'step'.padEnd(28)} ${'healthy p50 / p99 ms'.padStart(22)}   ${'Cashfree fails 1 in 2: p50 / p99 ms'.padStart(36)}`);
for (const step of healthy.times.keys()) {
  const h = healthy.times.get(step)!;
  const d = degraded.times.get(step) ?? [];
  console.log(`${step.padEnd(28)} ${`${pct(h, 50).toFixed(0)} / ${pct(h, 99).toFixed(0)}`.padStart(22)}   ${(d.length ? `${pct(d, 50).toFixed(0)} / ${pct(d, 99).toFixed(0)}` : '-').padStart(36)}`);
}
console.log(`journeys completed: healthy ${healthy.done}/${APPLICANTS} in ${healthy.seconds.toFixed(1)} s (${healthy.perMinute.toFixed(0)} journeys/min); Cashfree failing: ${degraded.done}/${APPLICANTS} in ${degraded.seconds.toFixed(1)} s (${degraded.perMinute.toFixed(0)}/min)`);
console.log(`ratio (Cashfree failing / healthy): journeys/min ${(degraded.perMinute / healthy.perMinute).toFixed(2)}, PAN step p99 ${(pct(degraded.times.get('pan/submit') ?? [0], 99) / pct(healthy.times.get('pan/submit')!, 99)).toFixed(2)}`);
for (const [name, s] of [['healthy', healthy], ['Cashfree failing', degraded]] as const) if (s.stopped.size) console.log(`${name}: stopped — ${[...s.stopped].map(([k, n]) => `${n} at ${k}`).join('; ')}`);
await server.stop();
await cashfree.close();
await setu.close();
