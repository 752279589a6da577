// `issueOtp`: a one-time code under an OTP policy, the record being its subject: a signup sends its
// first code (onCreate), a move sends another (an applicant's resend, within the policy's resend
// limits and never while the subject is locked out). Issued inside the write's transaction, so a
// refused write sends nothing, and a refused code (429, 423) refuses the write.
import { checkExpression } from './check-expression.ts';
import type { EffectModule } from './effect-module.ts';
import { resolveValue } from './resolve-value.ts';

export interface IssueOtpEffect {
  policy: string;
  sms?: string;
  email?: string;
}

/** The code to issue: its policy and where to send it. */
export interface PlannedOtp {
  policy: string;
  to: { sms?: string; email?: string };
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

export const issueOtp: EffectModule<IssueOtpEffect, PlannedOtp> = {
  schema: 'common.schema.json#/definitions/effect/properties/issueOtp',
  // A code is sent in the same transaction as the write about its record: its creation or a move.
  places: ['onCreate', 'transition'],
  phase: 'after',
  check(body, at) {
    checkExpression(body.sms, `${at.path}.issueOtp.sms`, at);
    checkExpression(body.email, `${at.path}.issueOtp.email`, at);
  },
  plan: (body, ctx) => ({ deliver: { policy: body.policy, to: { sms: text(resolveValue(body.sms, ctx)), email: text(resolveValue(body.email, ctx)) } } }),
  async deliver(step, { tx, otp, app, recordId }) {
    await otp.issueIn(tx, app, step.policy, recordId, step.to);
  },
};
