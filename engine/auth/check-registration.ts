// The checks of an app's `registration` a JSON Schema cannot express. Self-registration must never
// be a way into a privileged role: a role that manages users or definitions, or one that decides
// registrations, can never be registered for; the asked fields can never set a scope attribute.
import type { DefinitionProblem, FieldSchema, OtpPolicyDef, RegistrationDef, RoleDef } from '../registry/definition-types.ts';
import { isPrivilegedRole } from './privileged-role.ts';
import { REGISTRATION_MESSAGE_VARIABLES } from './user-registration.ts';


export function checkRegistration(
  file: string,
  app: { roles: Readonly<Record<string, RoleDef>>; registration?: RegistrationDef },
  otpPolicies: ReadonlyMap<string, OtpPolicyDef>,
  templates: ReadonlyMap<string, { channel: string; variables: readonly string[] }>,
): DefinitionProblem[] {
  const reg = app.registration;
  if (!reg) return [];
  const problems: DefinitionProblem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path: `$.registration${path}`, message });
  const declared = (role: string) => Object.hasOwn(app.roles, role);
  reg.approval.by.forEach((role, i) => {
    if (!declared(role)) add(`.approval.by[${i}]`, `Role "${role}" is not declared by the app`);
    else if (app.roles[role]!.public) add(`.approval.by[${i}]`, `Role "${role}" is the public role: callers who have not signed in cannot decide registrations`);
  });
  reg.roles.forEach((role, i) => {
    const at = `.roles[${i}]`;
    if (!declared(role)) return add(at, `Role "${role}" is not declared by the app`);
    const r = app.roles[role]!;
    if (r.public) add(at, `Role "${role}" is the public role: it needs no account`);
    else if (isPrivilegedRole(r)) add(at, `Role "${role}" manages users or definitions: its users are added by the install's operator, never registered`);
    else if (reg.approval.by.includes(role)) add(at, `Role "${role}" decides registrations: an account that approves accounts is never self-registered`);
  });
  if (reg.otp) {
    const policy = otpPolicies.get(reg.otp);
    if (!policy) add('.otp', `OTP policy "${reg.otp}" is not defined in this app`);
    else if (policy.record) add('.otp', `OTP policy "${reg.otp}" is a record OTP; a registration proves a phone with an account's policy`);
    else if (!policy.channels.includes('sms')) add('.otp', `OTP policy "${reg.otp}" sends no SMS: it cannot prove a phone`);
  }
  if (reg.approval.notify) {
    const t = templates.get(reg.approval.notify);
    if (!t) add('.approval.notify', `Template "${reg.approval.notify}" is not defined in this app`);
    else {
      const allowed = new Set<string>(REGISTRATION_MESSAGE_VARIABLES);
      for (const v of t.variables) if (!allowed.has(v)) add('.approval.notify', `Template "${reg.approval.notify}" reads "{{${v}}}", which an approval message does not have (${REGISTRATION_MESSAGE_VARIABLES.join(', ')})`);
    }
  }
  // Scope values are a user admin's to give: a registrant naming their own stores would choose their scope.
  const scoped = new Set(Object.values(app.roles).flatMap((r) => Object.values(r.permissions ?? {}).flatMap((p) => (p.scope?.actor.startsWith('attributes.') ? [p.scope.actor.slice('attributes.'.length)] : []))));
  for (const [name, field] of Object.entries(reg.fields ?? {}) as [string, FieldSchema][]) {
    if (scoped.has(name)) add(`.fields.${name}`, `"${name}" is an attribute a role's scope reads: a registrant may not choose their own scope`);
    if (field.type !== 'string') add(`.fields.${name}.type`, 'Registration fields are text (they are kept as the user\'s attributes)');
  }
  (reg.required ?? []).forEach((f, i) => f in (reg.fields ?? {}) || add(`.required[${i}]`, `"${f}" is not one of the registration's fields`));
  return problems;
}
