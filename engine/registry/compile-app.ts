import { createHash } from 'node:crypto';
import path from 'node:path';
import { compileEntity } from '../records/compile-entity.ts';
import { deepFreeze } from '../support/deep-freeze.ts';
import { compileWorkflow } from '../workflow/compile-workflow.ts';
import type { CompiledApp } from './compiled-app.ts';
import { crossCheck, type AppDefinitions } from './cross-check.ts';
import { validateDefinitionShape } from './definition-schemas.ts';
import type { AppDef, DefinitionProblem, DemoDataDef, EntityDef, ImportDef, JobDef, OtpPolicyDef, RulesDef, SourcedDefinition, TemplateDef, WorkflowDef } from './definition-types.ts';
import { checkRuleset } from '../rules/check-ruleset.ts';
import { checkJob } from '../jobs/check-job.ts';
import { checkImport } from '../imports/check-import.ts';
import { normalizeTransitions } from '../workflow/normalize-transitions.ts';
import { checkOtpPolicy } from '../otp/check-otp-policy.ts';
import { compileTemplate, type CompiledTemplate } from '../notify/compile-template.ts';
import { readDefinitionFiles, type RawDefinitionFile } from './load-definition-files.ts';
import { checkProviders } from '../providers/check-providers.ts';

export interface AppLoadResult {
  app?: CompiledApp;
  problems: DefinitionProblem[];
  /** The authored files, as stored in the definitions table. */
  files: RawDefinitionFile[];
}

/** Validate at the edge (schema, then cross-check, collecting every problem), then compile and freeze. */
export interface CompileOptions {
  /** Production refuses development-only definitions (fixed OTP codes). */
  production?: boolean;
}

export function compileAppFiles(files: RawDefinitionFile[], parseProblems: DefinitionProblem[] = [], root = '', options: CompileOptions = {}): AppLoadResult {
  const problems = [...parseProblems];
  const rel = (f: string) => (root ? path.relative(root, f) : f);
  const valid: AppDefinitions = { app: undefined as never, entities: [], workflows: [], templates: new Map(), malformed: new Set() };
  const templates = new Map<string, CompiledTemplate>();
  const otpPolicies = new Map<string, SourcedDefinition<OtpPolicyDef>>();
  const rulesets = new Map<string, SourcedDefinition<RulesDef>>();
  const jobs = new Map<string, SourcedDefinition<JobDef>>();
  const imports = new Map<string, SourcedDefinition<ImportDef>>();
  const demoData: SourcedDefinition<DemoDataDef>[] = [];
  const apps: { file: string; definition: AppDef }[] = [];
  let appShapeInvalid = false;
  for (const { file, content } of files) {
    const shapeProblems = validateDefinitionShape(rel(file), content);
    problems.push(...shapeProblems);
    if (shapeProblems.length) {
      // Keep the name of a malformed definition known, so the cross-check does not repeat its problem as "X is not defined".
      const c = content as { kind?: unknown; name?: unknown };
      if (c?.kind === 'app') appShapeInvalid = true;
      else if (typeof c?.name === 'string' && (c.kind === 'entity' || c.kind === 'workflow')) valid.malformed.add(`${c.kind}:${c.name}`);
      continue;
    }
    const def = deepFreeze(structuredClone(content)) as AppDef | EntityDef | WorkflowDef | TemplateDef | OtpPolicyDef | RulesDef | JobDef | ImportDef | DemoDataDef;
    const sourced = { file: rel(file), definition: def };
    if (def.kind === 'template') {
      const compiled = compileTemplate(def, rel(file));
      problems.push(...compiled.problems);
      if (compiled.template) {
        if (templates.has(def.name)) problems.push({ file: rel(file), path: '$.name', message: `The template "${def.name}" is already defined` });
        templates.set(def.name, compiled.template);
      } else valid.malformed.add(`template:${def.name}`);
    } else if (def.kind === 'otp') {
      if (otpPolicies.has(def.name)) problems.push({ file: rel(file), path: '$.name', message: `The OTP policy "${def.name}" is already defined` });
      otpPolicies.set(def.name, sourced as SourcedDefinition<OtpPolicyDef>);
    } else if (def.kind === 'rules') {
      if (rulesets.has(def.name)) problems.push({ file: rel(file), path: '$.name', message: `The ruleset "${def.name}" is already defined` });
      rulesets.set(def.name, sourced as SourcedDefinition<RulesDef>);
    } else if (def.kind === 'job') {
      if (jobs.has(def.name)) problems.push({ file: rel(file), path: '$.name', message: `The job "${def.name}" is already defined` });
      jobs.set(def.name, sourced as SourcedDefinition<JobDef>);
    } else if (def.kind === 'import') {
      if (imports.has(def.name)) problems.push({ file: rel(file), path: '$.name', message: `The import "${def.name}" is already defined` });
      imports.set(def.name, sourced as SourcedDefinition<ImportDef>);
    } else if (def.kind === 'demo') demoData.push(sourced as SourcedDefinition<DemoDataDef>);
    else if (def.kind === 'app') apps.push(sourced as { file: string; definition: AppDef });
    else if (def.kind === 'entity') valid.entities.push(sourced as { file: string; definition: EntityDef });
    else valid.workflows.push(sourced as { file: string; definition: WorkflowDef });
  }
  if (appShapeInvalid) {
    // Without a readable app there are no roles or entities to check names against.
  } else if (apps.length !== 1) {
    const where = files[0] ? rel(path.dirname(files[0].file)) : rel(root);
    problems.push({ file: apps[1]?.file ?? where, path: '$', message: apps.length ? 'An app folder holds exactly one definition of kind "app"' : 'The folder has no definition of kind "app"' });
  } else {
    valid.app = apps[0]!;
    (valid as { templates: AppDefinitions['templates'] }).templates = templates;
    problems.push(...crossCheck(valid));
    const entityDefs = new Map(valid.entities.map((e) => [e.definition.name, e.definition]));
    const workflowDefs = new Map(valid.workflows.map((w) => [w.definition.name, w.definition]));
    const roleNames = new Set(Object.keys(valid.app.definition.roles));
    for (const { file: f, definition: p } of otpPolicies.values()) problems.push(...checkOtpPolicy(f, p, templates, options.production ?? false, { entities: entityDefs, roles: roleNames }));
    // Names of OTP policies used by entities and workflows (their other names are cross-checked).
    for (const { file: f, definition: wf } of valid.workflows) {
      for (const t of normalizeTransitions(wf)) {
        if (t.otp && !otpPolicies.has(t.otp.policy)) problems.push({ file: f, path: `${t.source}.otp.policy`, message: `OTP policy "${t.otp.policy}" is not defined in this app` });
        else if (t.otp && otpPolicies.get(t.otp.policy)!.definition.record) problems.push({ file: f, path: `${t.source}.otp.policy`, message: `OTP policy "${t.otp.policy}" is a record OTP (verified with a proof), not a step's code` });
      }
    }
    for (const { file: f, definition: r } of rulesets.values()) problems.push(...checkRuleset(f, r, entityDefs, workflowDefs));
    for (const { file: f, definition: j } of jobs.values()) problems.push(...checkJob(f, j, entityDefs, workflowDefs));
    for (const { file: f, definition: d } of imports.values()) problems.push(...checkImport(f, d, valid.app.definition, entityDefs, templates));
    for (const { file: f, definition: d } of demoData) {
      d.records.forEach((r, i) => {
        const e = entityDefs.get(r.entity);
        if (!e) return problems.push({ file: f, path: `$.records[${i}].entity`, message: `Entity "${r.entity}" is not defined in this app` });
        const wf = e.workflow ? workflowDefs.get(e.workflow) : undefined;
        (r.events ?? []).forEach((ev, j) => (wf ? normalizeTransitions(wf) : []).some((t) => t.event === ev) || problems.push({ file: f, path: `$.records[${i}].events[${j}]`, message: `Event "${ev}" is not an event of entity "${r.entity}"` }));
      });
    }
    (valid.app.definition.routes ?? []).forEach((r, i) => {
      if (r.ruleset && !rulesets.has(r.ruleset)) problems.push({ file: valid.app.file, path: `$.routes[${i}].ruleset`, message: `Ruleset "${r.ruleset}" is not defined in this app` });
    });
    const appFile = valid.app.file;
    problems.push(...checkProviders(appFile, valid.app.definition));
    const loginPolicy = valid.app.definition.auth?.otp?.policy;
    if (loginPolicy && !otpPolicies.has(loginPolicy)) problems.push({ file: appFile, path: '$.auth.otp.policy', message: `OTP policy "${loginPolicy}" is not defined in this app` });
    (valid.app.definition.routes ?? []).forEach((r, i) => {
      const policy = r.policy ? otpPolicies.get(r.policy)?.definition : undefined;
      if (r.policy && !policy) problems.push({ file: appFile, path: `$.routes[${i}].policy`, message: `OTP policy "${r.policy}" is not defined in this app` });
      else if (policy && !policy.record) problems.push({ file: appFile, path: `$.routes[${i}].policy`, message: `OTP policy "${r.policy}" has no "record": it is not a record OTP` });
      else if (policy && r.entity && policy.record!.entity !== r.entity) problems.push({ file: appFile, path: `$.routes[${i}].entity`, message: `OTP policy "${r.policy}" is about "${policy.record!.entity}", not "${r.entity}"` });
    });
  }
  if (problems.length) return { problems, files };

  const appDef = valid.app.definition;
  const workflows = new Map(valid.workflows.map((w) => [w.definition.name, compileWorkflow(w.definition)]));
  const entities = new Map(
    valid.entities.map((e) => [e.definition.name, compileEntity(e.definition, appDef, e.definition.workflow ? workflows.get(e.definition.workflow) : undefined)]),
  );
  const checksum = createHash('sha256')
    .update(JSON.stringify(files.map((f) => [rel(f.file), f.content])))
    .digest('hex');
  const app: CompiledApp = Object.freeze({
    id: appDef.id,
    name: appDef.name,
    basePath: appDef.basePath ?? `/${appDef.id}`,
    roles: appDef.roles,
    entities,
    workflows,
    templates,
    otpPolicies: new Map([...otpPolicies].map(([k, v]) => [k, v.definition])),
    rulesets: new Map([...rulesets].map(([k, v]) => [k, v.definition])),
    jobs: new Map([...jobs].map(([k, v]) => [k, v.definition])),
    imports: new Map([...imports].map(([k, v]) => [k, v.definition])),
    demoData: demoData.map((d) => d.definition),
    routes: appDef.routes ?? [],
    accessTokenMinutes: appDef.auth?.accessTokenMinutes ?? 60,
    passwordLogin: appDef.auth?.password ?? true,
    checksum,
    definition: appDef,
  });
  return { app, problems: [], files };
}

/** Reads and compiles one app folder. */
export function loadAppDir(dir: string, root = path.dirname(dir), options: CompileOptions = {}): AppLoadResult {
  const { files, problems } = readDefinitionFiles(dir);
  return compileAppFiles(files, problems, root, options);
}
