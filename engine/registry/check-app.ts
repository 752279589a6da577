// The checks of the app definition a JSON Schema cannot express: every role, entity, event, OTP
// policy and ruleset its permissions, demo users and route aliases name exists in the app.
import { SYSTEM_ROLE } from '../auth/system-role.ts';
import { normalizeTransitions } from '../workflow/normalize-transitions.ts';
import type { AppDefinitionSet } from './definition-kind-module.ts';
import type { DefinitionProblem } from './definition-types.ts';
import { OPERATION_NEEDS, type OperationNeeds } from './operation-needs.ts';

/** Whether a fixed value (a JSON scalar) is of a field's type. */
function fitsType(type: string, value: unknown): boolean {
  if (type === 'integer') return Number.isInteger(value);
  return type === typeof value;
}

/** The field formats a resume code can be sent to, by the policy's channel. */
const RESUME_CHANNEL_FORMATS: Readonly<Record<string, readonly string[]>> = { sms: ['phone', 'mobile-in'], email: ['email'] };

export function checkApp(defs: AppDefinitionSet): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const { app } = defs;
  const roles = new Set(Object.keys(app.definition.roles));
  const entities = defs.named('entity');
  const workflows = defs.named('workflow');
  const otpPolicies = defs.named('otp');
  const rulesets = defs.named('rules');
  const add = (file: string, path: string, message: string) => problems.push({ file, path, message });

  if (roles.has(SYSTEM_ROLE)) add(app.file, `$.roles.${SYSTEM_ROLE}`, `"${SYSTEM_ROLE}" is the scheduler's own role; give the role another name`);
  for (const [role, def] of Object.entries(app.definition.roles)) {
    for (const [entityName, perm] of Object.entries(def.permissions ?? {})) {
      const path = `$.roles.${role}.permissions.${entityName}`;
      const entity = entities.get(entityName);
      if (!entity) {
        if (!defs.malformed.has(`entity:${entityName}`)) add(app.file, path, `Entity "${entityName}" is not defined in this app`);
        continue;
      }
      if (perm.scope && !(perm.scope.field in entity.definition.fields)) {
        add(app.file, `${path}.scope.field`, `Entity "${entityName}" has no field "${perm.scope.field}"`);
      }
      const via = perm.scope?.orVia;
      if (via) {
        const viaEntity = entities.get(via.entity);
        if (!viaEntity) defs.malformed.has(`entity:${via.entity}`) || add(app.file, `${path}.scope.orVia.entity`, `Entity "${via.entity}" is not defined in this app`);
        else {
          if (!(via.field in viaEntity.definition.fields)) add(app.file, `${path}.scope.orVia.field`, `Entity "${via.entity}" has no field "${via.field}"`);
          const key = via.key ?? perm.scope!.field;
          if (!(key in viaEntity.definition.fields)) add(app.file, `${path}.scope.orVia${via.key ? '.key' : ''}`, `Entity "${via.entity}" has no field "${key}" to take the derived values from${via.key ? '' : ' (name it in "key")'}`);
        }
      }
      if (Array.isArray(perm.update)) perm.update.forEach((f, i) => f in entity.definition.fields || add(app.file, `${path}.update[${i}]`, `Entity "${entityName}" has no field "${f}"`));
      (perm.hide ?? []).forEach((f, i) => {
        if (!(f in entity.definition.fields)) add(app.file, `${path}.hide[${i}]`, `Entity "${entityName}" has no field "${f}"`);
        else if (Array.isArray(perm.update) && perm.update.includes(f)) add(app.file, `${path}.hide[${i}]`, `Role "${role}" may not both change "${f}" (update) and never see it (hide)`);
        // A required field the role may not send must be filled for it, by its scope or a fixed value.
        else if (perm.create && (entity.definition.required ?? []).includes(f) && perm.scope?.field !== f && !(f in (perm.fixed ?? {}))) {
          add(app.file, `${path}.hide[${i}]`, `Role "${role}" creates ${entityName} records but could never send the required field "${f}" it may not see`);
        }
      });
      for (const [f, value] of Object.entries(perm.fixed ?? {})) {
        const field = entity.definition.fields[f];
        if (!field) add(app.file, `${path}.fixed.${f}`, `Entity "${entityName}" has no field "${f}"`);
        else if (field.enum && !field.enum.includes(value)) add(app.file, `${path}.fixed.${f}`, `${JSON.stringify(value)} is not one of the values of "${f}" (${field.enum.map((v) => JSON.stringify(v)).join(', ')})`);
        else if (!fitsType(field.type, value)) add(app.file, `${path}.fixed.${f}`, `${JSON.stringify(value)} is not a value of "${f}" (type ${field.type})`);
      }
      if (perm.transition && !entity.definition.workflow) {
        add(app.file, `${path}.transition`, `Entity "${entityName}" has no workflow to transition`);
      }
      // A record session is a caller without an account's key to what it created (auth/record-session.ts).
      if (perm.session) {
        if (!def.public) add(app.file, `${path}.session`, `Only the public role has record sessions: "${role}" signs in`);
        else if (!perm.create) add(app.file, `${path}.session`, `Role "${role}" never creates ${entityName} records, so it would never be given a session`);
        if (perm.scope) add(app.file, `${path}.session`, `A session opens one record; it cannot have a scope too`);
        const resume = perm.session.resume;
        if (resume) {
          // A session is regained by proving the value a duplicate check keys on: the code goes to that value.
          if (!entity.definition.dedupe?.some((d) => d.name === resume.dedupe)) {
            add(app.file, `${path}.session.resume.dedupe`, `Entity "${entityName}" has no dedupe rule "${resume.dedupe}" (${(entity.definition.dedupe ?? []).map((d) => `"${d.name}"`).join(', ') || 'it has none'})`);
          }
          const policy = otpPolicies.get(resume.otp)?.definition;
          const field = entity.definition.dedupe?.find((d) => d.name === resume.dedupe)?.field;
          const format = field ? entity.definition.fields[field]?.format : undefined;
          if (!policy) defs.malformed.has(`otp:${resume.otp}`) || add(app.file, `${path}.session.resume.otp`, `OTP policy "${resume.otp}" is not defined in this app`);
          else if (policy.channels.length !== 1) add(app.file, `${path}.session.resume.otp`, `OTP policy "${resume.otp}" sends by ${policy.channels.join(' and ')}: a resume code goes to the one value given, by one channel`);
          // The code goes to the value given: an SMS to a phone number, an email to an address.
          else if (field && !(RESUME_CHANNEL_FORMATS[policy.channels[0]!] ?? []).includes(String(format))) {
            add(app.file, `${path}.session.resume.otp`, `OTP policy "${resume.otp}" sends by ${policy.channels[0]}, but "${field}" is not a field of format ${(RESUME_CHANNEL_FORMATS[policy.channels[0]!] ?? []).join(' or ')}: the code would go to a value that cannot receive it`);
          }
        }
      }
    }
  }

  (app.definition.demoUsers ?? []).forEach((u, i) => roles.has(u.role) || add(app.file, `$.demoUsers[${i}].role`, `Role "${u.role}" is not declared by the app`));
  (app.definition.sync?.entities ?? []).forEach((e, i) => entities.has(e) || defs.malformed.has(`entity:${e}`) || add(app.file, `$.sync.entities[${i}]`, `Entity "${e}" is not defined in this app`));

  const seenRoutes = new Set<string>();
  (app.definition.routes ?? []).forEach((route, i) => {
    const path = `$.routes[${i}]`;
    const key = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
    if (seenRoutes.has(key)) add(app.file, path, `Route ${route.method} ${route.path} is declared twice`);
    seenRoutes.add(key);
    const params = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const needs: OperationNeeds | undefined = OPERATION_NEEDS[route.operation];
    if (!needs) return add(app.file, `${path}.operation`, `Unknown operation "${route.operation}"`);
    const optional = new Set<string>(needs.optional ?? []);
    for (const option of ['idFrom', 'idFromSession', 'response', 'public'] as const) {
      if (route[option] !== undefined && !optional.has(option)) add(app.file, `${path}.${option}`, `Operation ${route.operation} does not use "${option}"`);
    }
    if (route.public && !Object.values(app.definition.roles).some((r) => r.public)) add(app.file, `${path}.public`, 'The app has no public role to serve this route to callers who have not signed in');
    if (route.targetField !== undefined && !needs.targetField && !optional.has('targetField')) add(app.file, `${path}.targetField`, `Operation ${route.operation} does not use "targetField"`);
    if (needs.ruleset && !route.ruleset) add(app.file, `${path}.ruleset`, `${route.operation} needs a "ruleset"`);
    if (needs.pathParam && !needs.pathParam.some((p) => params.includes(p))) add(app.file, `${path}.path`, `Operation ${route.operation} needs {${needs.pathParam.join('} or {')}} in its path`);
    if (!needs.entity) return;
    const entity = route.entity ? entities.get(route.entity) : undefined;
    if (!route.entity) return add(app.file, `${path}.entity`, `Operation ${route.operation} needs an "entity"`);
    if (!entity) return defs.malformed.has(`entity:${route.entity}`) || add(app.file, `${path}.entity`, `Entity "${route.entity}" is not defined in this app`);
    if (route.idFromSession && !Object.values(app.definition.roles).some((r) => r.public && r.permissions?.[entity.definition.name]?.session)) {
      add(app.file, `${path}.idFromSession`, `No public role has a record session on ${entity.definition.name} records, so no caller could carry one`);
    }
    if (needs.resume && !Object.values(app.definition.roles).some((r) => r.public && r.permissions?.[entity.definition.name]?.session?.resume)) {
      add(app.file, `${path}.operation`, `No public role's session on ${entity.definition.name} records says "resume": ${route.operation} has nothing to serve`);
    }
    if (needs.id && !params.includes('id') && !route.idFrom && !route.idFromSession) add(app.file, `${path}.path`, `Operation ${route.operation} needs an {id} in its path`);
    if (needs.policy && !route.policy) add(app.file, `${path}.policy`, `${route.operation} needs a "policy"`);
    if (needs.targetField && !route.targetField) add(app.file, `${path}.targetField`, `${route.operation} needs a "targetField" naming the body field with the target state`);
    const slots = entity.definition.files ?? {};
    if (route.slot !== undefined && !needs.slot && !optional.has('slot')) add(app.file, `${path}.slot`, `Operation ${route.operation} does not use "slot"`);
    else if (route.slot !== undefined && !Object.hasOwn(slots, route.slot)) add(app.file, `${path}.slot`, `Entity "${route.entity}" has no file slot "${route.slot}"`);
    if (needs.slot && route.slot === undefined && !params.includes('slot')) add(app.file, `${path}.slot`, `${route.operation} needs a "slot" (or {slot} in its path)`);
    if (needs.workflow && !entity.definition.workflow) add(app.file, `${path}.operation`, `Entity "${route.entity}" has no workflow`);
    if (needs.event) {
      const wf = entity.definition.workflow ? workflows.get(entity.definition.workflow) : undefined;
      if (!route.event) add(app.file, `${path}.event`, `${route.operation} needs an "event"`);
      else if (wf && !normalizeTransitions(wf.definition).some((t) => t.event === route.event)) {
        add(app.file, `${path}.event`, `Workflow "${wf.definition.name}" has no event "${route.event}"`);
      }
    }
  });

  (app.definition.routes ?? []).forEach((r, i) => {
    if (r.ruleset && !rulesets.has(r.ruleset)) add(app.file, `$.routes[${i}].ruleset`, `Ruleset "${r.ruleset}" is not defined in this app`);
  });
  const loginPolicy = app.definition.auth?.otp?.policy;
  if (loginPolicy && !otpPolicies.has(loginPolicy)) add(app.file, '$.auth.otp.policy', `OTP policy "${loginPolicy}" is not defined in this app`);
  (app.definition.routes ?? []).forEach((r, i) => {
    const policy = r.policy ? otpPolicies.get(r.policy)?.definition : undefined;
    if (r.policy && !policy) add(app.file, `$.routes[${i}].policy`, `OTP policy "${r.policy}" is not defined in this app`);
    else if (policy && !policy.record) add(app.file, `$.routes[${i}].policy`, `OTP policy "${r.policy}" has no "record": it is not a record OTP`);
    else if (policy && r.entity && policy.record!.entity !== r.entity) add(app.file, `$.routes[${i}].entity`, `OTP policy "${r.policy}" is about "${policy.record!.entity}", not "${r.entity}"`);
  });
  return problems;
}
