import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import { OPERATIONS } from '../../engine/registry/operation-needs.ts';

const SOLARIUM = path.resolve(import.meta.dirname, '../../definitions/solarium');
const read = (file: string) => parse(readFileSync(path.join(SOLARIUM, file), 'utf8')) as Record<string, unknown>;
const good = () => ({ app: read('app.yaml'), entity: read('lead.entity.yaml'), workflow: read('lead-status.workflow.yaml') });

function problemsOf(change: (d: ReturnType<typeof good>) => void) {
  const d = good();
  change(d);
  // The app's other definitions as they are (the login OTP and its message, the customer, ...).
  const changed = new Set(['app.yaml', 'lead.entity.yaml', 'lead-status.workflow.yaml']);
  const others = readdirSync(SOLARIUM)
    .filter((f) => f.endsWith('.yaml') && !changed.has(f) && !f.endsWith('.test.yaml') && !f.endsWith('.demo.yaml'))
    .map((f) => ({ file: `solarium/${f}`, content: read(f) }));
  const result = compileAppFiles([
    { file: 'solarium/app.yaml', content: d.app },
    { file: 'solarium/lead.entity.yaml', content: d.entity },
    { file: 'solarium/lead-status.workflow.yaml', content: d.workflow },
    ...others,
  ]);
  expect(result.app === undefined).toBe(result.problems.length > 0);
  return result.problems;
}

describe('definition validation', () => {
  it('accepts the Solarium reference app', () => {
    expect(problemsOf(() => {})).toEqual([]);
  });

  describe('app', () => {
    it('names an unknown property with its path', () => {
      expect(problemsOf((d) => (d.app.colour = 'blue'))).toEqual([{ file: 'solarium/app.yaml', path: '$.colour', message: 'Unknown property "colour" is not allowed' }]);
    });
    it('refuses a public route in an app without a public role', () => {
      expect(problemsOf((d) => ((d.app.routes as any[])[1].public = true))).toEqual([
        { file: 'solarium/app.yaml', path: '$.routes[1].public', message: 'The app has no public role to serve this route to callers who have not signed in' },
      ]);
    });
    it('refuses providers of a kind the engine does not have, and the wrong shape for a kind', () => {
      expect(problemsOf((d) => (d.app.providers = { fax: [{ provider: 'x' }], sms: { provider: 'msg91' }, blob: [{ provider: 'fs' }] }))).toEqual([
        { file: 'solarium/app.yaml', path: '$.providers.fax', message: '"fax" is not a provider kind (sms, email, events, blob, verification)' },
        { file: 'solarium/app.yaml', path: '$.providers.sms', message: 'sms providers are a list, tried in order' },
        { file: 'solarium/app.yaml', path: '$.providers.blob', message: 'An app has one blob provider' },
      ]);
    });
    it('refuses a permission on an entity the app does not define', () => {
      expect(problemsOf((d) => ((d.app.roles as any).cp.permissions.invoice = { read: true }))).toEqual([
        { file: 'solarium/app.yaml', path: '$.roles.cp.permissions.invoice', message: 'Entity "invoice" is not defined in this app' },
      ]);
    });
    it('refuses a scope on a field the entity lacks', () => {
      expect(problemsOf((d) => ((d.app.roles as any).cp.permissions.lead.scope.field = 'owner'))).toEqual([
        { file: 'solarium/app.yaml', path: '$.roles.cp.permissions.lead.scope.field', message: 'Entity "lead" has no field "owner"' },
      ]);
    });
    it('refuses a derived scope through an entity or fields that do not exist', () => {
      expect(problemsOf((d) => ((d.app.roles as any).cp.permissions.lead.scope.orVia = { entity: 'team', field: 'leaderId' }))).toEqual([
        { file: 'solarium/app.yaml', path: '$.roles.cp.permissions.lead.scope.orVia.entity', message: 'Entity "team" is not defined in this app' },
      ]);
      expect(problemsOf((d) => ((d.app.roles as any).cp.permissions.lead.scope.orVia = { entity: 'lead', field: 'leaderId' }))).toEqual([
        { file: 'solarium/app.yaml', path: '$.roles.cp.permissions.lead.scope.orVia.field', message: 'Entity "lead" has no field "leaderId"' },
      ]);
      expect(problemsOf((d) => ((d.app.roles as any).cp.permissions.lead.scope.orVia = { entity: 'lead', field: 'customer', key: 'owner' }))).toEqual([
        { file: 'solarium/app.yaml', path: '$.roles.cp.permissions.lead.scope.orVia.key', message: 'Entity "lead" has no field "owner" to take the derived values from' },
      ]);
    });
    it('never lets a privileged role, an approver or the public be registered for, nor a registrant choose a scope attribute', () => {
      const problems = problemsOf((d) => {
        (d.app.registration as any).roles = ['admin', 'cp', 'ghost'];
        (d.app.registration as any).approval.by = ['admin', 'cp'];
        (d.app.roles as any).kam.permissions.lead.scope = { field: 'city', actor: 'attributes.city' };
      });
      expect(problems.map((p) => [p.path, p.message])).toEqual([
        ['$.registration.roles[0]', 'Role "admin" manages users or definitions: its users are added by the install\'s operator, never registered'],
        ['$.registration.roles[1]', 'Role "cp" decides registrations: an account that approves accounts is never self-registered'],
        ['$.registration.roles[2]', 'Role "ghost" is not declared by the app'],
        ['$.registration.fields.city', '"city" is an attribute a role\'s scope reads: a registrant may not choose their own scope'],
      ]);
    });
    it('refuses a registration whose OTP policy or approval message does not exist', () => {
      const problems = problemsOf((d) => {
        (d.app.registration as any).otp = 'signup';
        (d.app.registration as any).approval.notify = 'welcome-sms';
      });
      expect(problems.map((p) => p.path)).toEqual(['$.registration.otp', '$.registration.approval.notify']);
    });
    it('refuses a route operation with a typo', () => {
      expect(problemsOf((d) => ((d.app.routes as any[])[1].operation = 'records.creat'))).toEqual([
        { file: 'solarium/app.yaml', path: '$.routes[1].operation', message: expect.stringMatching(/^Must be one of: "auth.login"/) },
      ]);
    });
    it('lists in its JSON Schema exactly the operations the engine knows (the server serves one spec for each)', () => {
      const schema = JSON.parse(readFileSync(path.resolve(SOLARIUM, '../_schema/app.schema.json'), 'utf8'));
      expect([...schema.properties.routes.items.properties.operation.enum].sort()).toEqual([...OPERATIONS].sort());
    });
    it('refuses an alias option its operation does not use, and one it needs but lacks', () => {
      expect(problemsOf((d) => Object.assign((d.app.routes as any[])[3], { idFrom: 'leadId' }))).toEqual([
        { file: 'solarium/app.yaml', path: '$.routes[3].idFrom', message: 'Operation records.get does not use "idFrom"' },
      ]);
      expect(problemsOf((d) => delete (d.app.routes as any[])[5].targetField)).toEqual([
        { file: 'solarium/app.yaml', path: '$.routes[5].targetField', message: 'records.moveTo needs a "targetField" naming the body field with the target state' },
      ]);
    });
  });

  describe('entity', () => {
    it('refuses a field type that does not exist, with the field path', () => {
      expect(problemsOf((d) => ((d.entity.fields as any).city.type = 'text'))).toEqual([
        { file: 'solarium/lead.entity.yaml', path: '$.fields.city.type', message: expect.stringMatching(/^Must be one of: "string"/) },
      ]);
    });
    it('refuses a unique key over a missing field and a regex pattern (formats only)', () => {
      const problems = problemsOf((d) => {
        (d.entity.uniqueKeys as any[])[0].fields = ['mobile'];
        (d.entity.fields as any).name.pattern = '(a+)+$';
      });
      expect(problems).toEqual([{ file: 'solarium/lead.entity.yaml', path: '$.fields.name.pattern', message: 'Unknown property "pattern" is not allowed' }]);
    });
    it('refuses a unique key over a missing field', () => {
      expect(problemsOf((d) => ((d.entity.uniqueKeys as any[])[0].fields = ['mobile']))).toEqual([
        { file: 'solarium/lead.entity.yaml', path: '$.uniqueKeys[0].fields[0]', message: '"mobile" is not a field of entity "lead"' },
      ]);
    });
    it('refuses a workflow that does not exist', () => {
      const problems = problemsOf((d) => (d.entity.workflow = 'lead-flow'));
      expect(problems).toContainEqual({ file: 'solarium/lead.entity.yaml', path: '$.workflow', message: 'Workflow "lead-flow" is not defined in this app' });
    });
  });

  describe('workflow', () => {
    it('refuses a matrix move to an undeclared state', () => {
      expect(problemsOf((d) => ((d.workflow.matrix as any).won.paid = ['admin']))).toEqual([
        { file: 'solarium/lead-status.workflow.yaml', path: '$.matrix.won.paid', message: 'State "paid" is not declared in "states"' },
      ]);
    });
    it('refuses a role the app does not declare', () => {
      expect(problemsOf((d) => ((d.workflow.matrix as any).new_lead.lost = ['cp', 'manager']))).toEqual([
        { file: 'solarium/lead-status.workflow.yaml', path: '$.matrix.new_lead.lost.roles[1]', message: 'Role "manager" is not declared by the app' },
      ]);
    });
    it('refuses an effect on a field the entity lacks and an expression that is not a path', () => {
      const problems = problemsOf((d) => ((d.workflow.effects as any[])[0].set = { colour: 'red', remarks: '{{ constructor.constructor }}' }));
      expect(problems).toEqual([
        { file: 'solarium/lead-status.workflow.yaml', path: '$.effects[0].set.colour', message: 'Entity "lead" has no field "colour"' },
        { file: 'solarium/lead-status.workflow.yaml', path: '$.effects[0].set.remarks', message: '"{{constructor.constructor}}" must be a path under record, actor, input, remarks, now' },
      ]);
    });
    it('refuses a guard over an unknown fact, with the path of the comparison', () => {
      const problems = problemsOf((d) => {
        (d.workflow.matrix as any).won.executed = { roles: ['cp'], when: { all: [{ fact: 'process', path: '$.env', operator: 'equal', value: 1 }] } };
      });
      expect(problems).toEqual([{ file: 'solarium/lead-status.workflow.yaml', path: '$.matrix.won.executed.when.all[0].fact', message: 'Must be one of: "record", "input", "actor", "now"' }]);
    });
    it('refuses a guard over a field the entity lacks', () => {
      const problems = problemsOf((d) => {
        (d.workflow.matrix as any).won.executed = { roles: ['cp'], when: { fact: 'record', path: '$.quoteId', operator: 'notEqual', value: null } };
      });
      expect(problems).toEqual([{ file: 'solarium/lead-status.workflow.yaml', path: '$.matrix.won.executed.when.path', message: 'Entity "lead" has no field "quoteId"' }]);
    });
    it('checks a guard with the one condition checker: numbers compared as numbers, dates with dates or today', () => {
      const problems = problemsOf((d) => {
        (d.workflow.matrix as any).won.executed = {
          roles: ['cp'],
          when: { all: [
            { fact: 'record', path: '$.capacityKw', operator: 'greaterThan', value: 'big' },
            { fact: 'record', path: '$.city', operator: 'containsAny', value: ['Pune'] },
            { fact: 'record', path: '$.nextFollowUpDate', operator: 'before', value: { fact: 'now', path: '$.date' } },
            { fact: 'record', path: '$.nextFollowUpDate', operator: 'before', value: { fact: 'now', path: '$.tomorrow' } },
          ] },
        };
      });
      expect(problems).toEqual([
        { file: 'solarium/lead-status.workflow.yaml', path: '$.matrix.won.executed.when.all[0].value', message: '"greaterThan" compares numbers' },
        { file: 'solarium/lead-status.workflow.yaml', path: '$.matrix.won.executed.when.all[1].operator', message: '"containsAny" needs a list fact; "city" is a string' },
        { file: 'solarium/lead-status.workflow.yaml', path: '$.matrix.won.executed.when.all[3].value.path', message: '"now" has "date" (YYYY-MM-DD) and "iso"' },
      ]);
    });
    it('reports every problem at once, across files', () => {
      const problems = problemsOf((d) => {
        d.workflow.initial = 'start';
        (d.entity.required as string[]).push('country');
        (d.app.demoUsers as any[])[0].role = 'superuser';
      });
      expect(problems.map((p) => `${p.file} ${p.path}`).sort()).toEqual([
        'solarium/app.yaml $.demoUsers[0].role',
        'solarium/lead-status.workflow.yaml $.initial',
        'solarium/lead.entity.yaml $.required[3]',
      ]);
    });
  });
});

describe('npm run validate', () => {
  const run = promisify(execFile);
  const cli = path.resolve(import.meta.dirname, '../../engine/registry/validate-cli.ts');
  const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');

  it('exits 0 on the shipped definitions', async () => {
    const { stdout } = await run(tsx, [cli]);
    expect(stdout).toContain('ok    definitions/solarium');
  });

  it('prints file, path and sentence for each problem and exits non-zero', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-defs-'));
    cpSync(SOLARIUM, path.join(dir, 'solarium'), { recursive: true });
    const wfFile = path.join(dir, 'solarium', 'lead-status.workflow.yaml');
    writeFileSync(wfFile, readFileSync(wfFile, 'utf8').replace('initial: new_lead', 'initial: fresh'));
    const err = await run(tsx, [cli, dir], { cwd: dir }).then(() => undefined, (e: { code: number; stdout: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stdout).toContain('solarium/lead-status.workflow.yaml  $.initial  State "fresh" is not declared in "states"');
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails an app whose saved test case fails, naming the case', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-defs-'));
    cpSync(SOLARIUM, path.join(dir, 'solarium'), { recursive: true });
    const testFile = path.join(dir, 'solarium', 'lead-status.test.yaml');
    writeFileSync(testFile, readFileSync(testFile, 'utf8').replace('expect: { allowed: false, code: INVALID_TRANSITION }', 'expect: { allowed: true, to: won }'));
    const err = await run(tsx, [cli, dir], { cwd: dir }).then(() => undefined, (e: { code: number; stdout: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stdout).toContain('FAIL  solarium');
    expect(err?.stdout).toContain('solarium/lead-status.test.yaml  $.cases[1]  Saved test case "A CP may not jump a new lead to won" fails');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('OTP policies', () => {
  const policyFiles = (mode: 'fixed' | 'random') => [
    { file: 'p/app.yaml', content: { kind: 'app', id: 'p', name: 'P', roles: { admin: {} }, auth: { otp: { policy: 'login' } } } },
    { file: 'p/login.otp.yaml', content: { kind: 'otp', name: 'login', digits: 6, validityMinutes: 10, channels: ['sms'], templates: { sms: 'otp-sms' }, mode, fixedCode: '123456' } },
    { file: 'p/otp-sms.template.yaml', content: { kind: 'template', name: 'otp-sms', channel: 'sms', body: 'Code {{otp.code}}' } },
  ];

  it('accepts a fixed code in development and refuses it in production', () => {
    expect(compileAppFiles(policyFiles('fixed')).problems).toEqual([]);
    expect(compileAppFiles(policyFiles('fixed'), [], '', { production: true }).problems).toEqual([
      { file: 'p/login.otp.yaml', path: '$.mode', message: 'A fixed OTP code is for development only and is refused in production' },
    ]);
    expect(compileAppFiles(policyFiles('random'), [], '', { production: true }).problems).toEqual([]);
  });

  it('refuses an OTP template that reads more than an OTP message has', () => {
    const files = policyFiles('random');
    (files[2]!.content as { body: string }).body = 'Hi {{record.name}}, code {{otp.code}}';
    expect(compileAppFiles(files).problems).toEqual([
      { file: 'p/login.otp.yaml', path: '$.templates.sms', message: 'Template "otp-sms" reads "{{record.name}}", which an OTP message does not have (otp.code, otp.validMinutes, app.name)' },
    ]);
  });
});
