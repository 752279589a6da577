import type { DefinitionProblem, EntityDef, OtpPolicyDef, WorkflowDef } from '../registry/definition-types.ts';
import { checkGuardCondition } from '../conditions/check-guard-condition.ts';

const OTP_VARIABLES = new Set(['otp.code', 'otp.validMinutes', 'app.name', 'app.id']);

/**
 * An OTP policy's templates exist, fit their channel and read only what an OTP message has; a
 * record OTP names an entity of the app and roles it declares.
 */
export function checkOtpPolicy(file: string, p: OtpPolicyDef, templates: ReadonlyMap<string, { channel: string; variables: readonly string[] }>, production: boolean, app: { entities: ReadonlyMap<string, EntityDef>; workflows: ReadonlyMap<string, WorkflowDef>; roles: ReadonlySet<string> }): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const entity = p.record ? app.entities.get(p.record.entity) : undefined;
  if (p.record && !entity) problems.push({ file, path: '$.record.entity', message: `Entity "${p.record.entity}" is not defined in this app` });
  // The record's condition reads what a guard of its entity's workflow reads.
  const wf = entity?.workflow ? app.workflows.get(entity.workflow) : undefined;
  if (p.record?.when && entity && wf) checkGuardCondition(file, '$.record.when', p.record.when, entity, wf, (f, path, message) => problems.push({ file: f, path, message }));
  if (p.record && !p.roles?.length) problems.push({ file, path: '$.roles', message: 'A record OTP names the roles that may ask for codes' });
  if (!p.record && p.roles) problems.push({ file, path: '$.roles', message: '"roles" applies to record OTPs (with "record")' });
  (p.roles ?? []).forEach((r, i) => app.roles.has(r) || problems.push({ file, path: `$.roles[${i}]`, message: `Role "${r}" is not declared by the app` }));
  for (const channel of p.channels) {
    const name = p.templates?.[channel];
    if (!name) {
      problems.push({ file, path: `$.templates.${channel}`, message: `Channel "${channel}" needs a template` });
      continue;
    }
    const t = templates.get(name);
    if (!t) problems.push({ file, path: `$.templates.${channel}`, message: `Template "${name}" is not defined in this app` });
    else if (t.channel !== channel) problems.push({ file, path: `$.templates.${channel}`, message: `Template "${name}" is for ${t.channel}, not ${channel}` });
    else for (const v of t.variables) if (!OTP_VARIABLES.has(v)) problems.push({ file, path: `$.templates.${channel}`, message: `Template "${name}" reads "{{${v}}}", which an OTP message does not have (otp.code, otp.validMinutes, app.name)` });
  }
  if (p.mode === 'fixed') {
    if (production) problems.push({ file, path: '$.mode', message: 'A fixed OTP code is for development only and is refused in production' });
    if (p.fixedCode && p.fixedCode.length !== p.digits) problems.push({ file, path: '$.fixedCode', message: `The fixed code must have ${p.digits} digits` });
  }
  return problems;
}
