// The `otp` kind: OTP policies (digits, validity, lockout, resend, channels and their templates).
import { checkOtpPolicy } from '../../otp/check-otp-policy.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { OtpPolicyDef } from '../definition-types.ts';
import { definitionsByName } from '../definitions-by-name.ts';
import { templatesOf } from './template.ts';

export const otpKind: DefinitionKindModule<'otp', OtpPolicyDef, { otpPolicies: ReadonlyMap<string, OtpPolicyDef> }> = {
  kind: 'otp',
  schemaFile: 'otp.schema.json',
  names: { noun: 'OTP policy' },
  check(_own, app) {
    const templates = templatesOf(app);
    const refs = { entities: definitionsByName(app, 'entity'), workflows: definitionsByName(app, 'workflow'), roles: new Set(Object.keys(app.app.definition.roles)) };
    return [...app.named('otp').values()].flatMap(({ file, definition }) => checkOtpPolicy(file, definition, templates, app.production, refs));
  },
  compile: (_own, app) => ({ otpPolicies: definitionsByName(app, 'otp') }),
};
