// What an OTP policy does, in the sentences a business admin would use: the numbers of the policy
// read as behaviour (what the 4th wrong code does, when a resend is refused), as otp-service.ts
// enforces them.
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { OtpPolicyDef, OtpSimulation } from '../registry/definition-types.ts';

export interface OtpAnswer {
  kind: 'otp';
  policy: string;
  sentences: string[];
  /** The sentences as one paragraph. */
  text: string;
}

const CHANNEL = { sms: 'SMS', email: 'email' } as const;
const minutes = (n: number) => `${n} minute${n === 1 ? '' : 's'}`;
const times = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function describeOtpPolicy(p: OtpPolicyDef): string[] {
  const out: string[] = [];
  out.push(`A code has ${p.digits} digits and is valid for ${minutes(p.validityMinutes)}.`);
  out.push(
    p.mode === 'fixed'
      ? `Development mode: the code is always ${p.fixedCode ?? '1234567890'.slice(0, p.digits)} (refused in production).`
      : 'Each code is drawn at random.',
  );
  out.push(`It is sent by ${p.channels.map((c) => `${CHANNEL[c]}${p.templates?.[c] ? ` (template "${p.templates[c]}")` : ''}`).join(' and ')}.`);
  out.push(
    p.maxAttempts !== undefined
      ? `A code takes ${p.maxAttempts} wrong ${p.maxAttempts === 1 ? 'try' : 'tries'}; then it is locked (423), even for the right code, and a new one must be asked for.`
      : 'A code takes any number of wrong tries until it expires.',
  );
  out.push(
    p.lockout
      ? `${times(p.lockout.failures, 'wrong code')} within ${minutes(p.lockout.withinMinutes)} lock the subject for ${minutes(p.lockout.forMinutes)} (423).`
      : 'Wrong codes never lock the subject out.',
  );
  out.push(
    p.resend
      ? `Within ${minutes(p.resend.withinMinutes)} a subject gets the first code and at most ${times(p.resend.max, 'resend')}; the next is refused (429) until the oldest is ${minutes(p.resend.withinMinutes)} old.`
      : 'Codes may be asked for again without limit.',
  );
  if (p.record) {
    out.push(
      `Codes are about a ${p.record.entity} record${p.record.when ? ' that meets the policy\'s condition' : ''}; ${p.roles?.length ? `roles ${p.roles.map((r) => `"${r}"`).join(', ')}` : 'no role'} may ask for and verify them, and a verified code is a proof valid for ${minutes(p.record.proofMinutes ?? 15)}.`,
    );
  }
  return out;
}

export function simulateOtp(app: CompiledApp, req: OtpSimulation): OtpAnswer {
  const policy = app.otpPolicies.get(req.policy);
  if (!policy) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.policy', message: `OTP policy "${req.policy}" is not defined in this app` }] });
  const sentences = describeOtpPolicy(policy);
  return { kind: 'otp', policy: policy.name, sentences, text: sentences.join(' ') };
}
