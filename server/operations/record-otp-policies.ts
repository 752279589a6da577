import type { CompiledApp, CompiledEntity } from '../../engine/index.ts';

/** The OTP policies whose codes are about records of this entity (a customer verified at a promotion). */
export function recordOtpPolicies(app: CompiledApp, entity: CompiledEntity | undefined): string[] {
  return [...app.otpPolicies.values()].filter((p) => p.record && p.record.entity === entity?.name).map((p) => p.name);
}
