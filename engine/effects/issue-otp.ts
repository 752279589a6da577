// `issueOtp`: a one-time code under an OTP policy, the new record being its subject (a signup
// sends its first code). Issued inside the create's transaction, so a refused create sends nothing.
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
  // A code is sent in the same transaction as the record it is about: only when the record is created.
  places: ['onCreate'],
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
