// Saved test cases (kind `test`): the reference apps' cases pass, a broken app fails them by name,
// coverage lists every move and those no case asks for, and a case naming what the app does not
// have is a problem of the definitions.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTestCases } from '../../engine/lifecycle/run-test-cases.ts';
import { compileAppFiles, loadAppDir } from '../../engine/registry/compile-app.ts';
import { readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';

const ROOT = path.resolve(import.meta.dirname, '../../definitions');
const NOW = new Date('2026-12-01T10:00:00Z');
const filesOf = (app: string) => readDefinitionFiles(path.join(ROOT, app)).files;
/** The app's files with one definition's content changed. */
const edited = (app: string, kind: string, edit: (content: any) => any, name?: string) =>
  filesOf(app).map((f) => {
    const c = f.content as { kind: string; name?: string };
    return c.kind === kind && (name === undefined || c.name === name) ? { ...f, content: edit(structuredClone(f.content)) } : f;
  });
const compiled = (files: ReturnType<typeof filesOf>) => {
  const result = compileAppFiles(files, [], ROOT);
  expect(result.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
  return result.app!;
};

describe('saved test cases', () => {
  it('pass on the reference apps (Solarium lead status, eKYC journey)', async () => {
    for (const app of ['solarium', 'ekyc']) {
      const run = await runTestCases(loadAppDir(path.join(ROOT, app)).app!, NOW);
      expect(run.failed, app).toEqual([]);
      expect(run.passed, app).toBeGreaterThanOrEqual(6);
    }
  });

  it('fail by name when the app changes under them, saying what was expected and what came out', async () => {
    // A CP may now jump a new lead to won; customers may no longer accept a quotation.
    const app = compiled(
      edited('solarium', 'workflow', (wf) => {
        wf.matrix.new_lead.won = ['cp'];
        wf.matrix.quotation_shared.customer_accepted = ['cp'];
        return wf;
      }, 'lead-status'),
    );
    const run = await runTestCases(app, NOW);
    expect(run.passed).toBe(4);
    expect(run.failed.map((f) => [f.test, f.case, f.path])).toEqual([
      ['lead-status', 'A CP may not jump a new lead to won', '$.cases[1]'],
      ['lead-status', 'A customer accepts a shared quotation', '$.cases[4]'],
    ]);
    expect(run.failed[0]).toMatchObject({ expected: { allowed: false, code: 'INVALID_TRANSITION' }, actual: { allowed: true, to: 'won' } });
    expect(run.failed[0]!.message).toMatch(/^expected refused, got allowed; expected code INVALID_TRANSITION, got nothing \(Role "cp" may move/);
    expect(run.failed[1]!.actual).toMatchObject({ allowed: false, code: 'INVALID_TRANSITION' });
  });

  it('compares the output a case names: a template that now says something else fails', async () => {
    const app = compiled(edited('ekyc', 'template', (t) => ({ ...t, body: 'OTP {{otp.code}}' })));
    const run = await runTestCases(app, NOW);
    expect(run.failed).toEqual([
      expect.objectContaining({ case: 'The OTP message says the code and how long it lasts', actual: { output: { text: 'OTP 1234' } }, message: 'expected output.text "Your OTP is 1234. It is valid for 5 minutes.", got "OTP 1234"' }),
    ]);
  });

  it('lists every move of every workflow, the cases that ask for each, and the untested ones', async () => {
    const run = await runTestCases(loadAppDir(path.join(ROOT, 'solarium')).app!, NOW);
    // The lead status matrix's 17 moves, the commission payout's 2 and the quotation's 4 (share, accept, supersede from two states).
    expect(run.coverage.moves).toHaveLength(23);
    const intoDiscussion = run.coverage.moves.find((m) => m.from === 'new_lead' && m.to === 'in_discussion')!;
    expect(intoDiscussion).toEqual({ workflow: 'lead-status', entity: 'lead', from: 'new_lead', to: 'in_discussion', event: 'in_discussion', roles: ['cp', 'admin', 'kam'], cases: [{ test: 'lead-status', case: 'A CP takes a new lead into discussion, with remarks and a follow-up date' }] });
    expect(run.coverage.untested).toContainEqual({ workflow: 'lead-status', entity: 'lead', from: 'won', to: 'executed', event: 'executed', roles: ['cp', 'admin', 'kam'] });
    expect(run.coverage.untested.some((m) => m.from === 'new_lead' && m.to === 'in_discussion')).toBe(false);
    expect(run.coverage.untested).toHaveLength(run.coverage.moves.filter((m) => !m.cases.length).length);
    // An app without saved cases: every move is untested.
    const promo = await runTestCases(loadAppDir(path.join(ROOT, 'promopartner')).app!, NOW);
    expect(promo).toMatchObject({ passed: 0, failed: [] });
    expect(promo.coverage.untested).toHaveLength(promo.coverage.moves.length);
  });

  it('refuses a case naming an entity, event, state, role, template, ruleset or OTP policy the app does not have', () => {
    const test = {
      kind: 'test',
      name: 'broken',
      cases: [
        { name: 'entity', simulate: { kind: 'move', entity: 'nothing', role: 'cp', target: 'won' }, expect: { allowed: false } },
        { name: 'names', simulate: { kind: 'move', entity: 'lead', record: { status: 'nowhere' }, role: 'boss', event: 'fly' }, expect: { allowed: true, to: 'heaven' } },
        { name: 'target', simulate: { kind: 'move', entity: 'lead', role: 'cp', target: 'moon' }, expect: { allowed: false } },
        { name: 'both', simulate: { kind: 'move', entity: 'lead', role: 'cp', target: 'won', event: 'won' }, expect: { allowed: false } },
        { name: 'template', simulate: { kind: 'template', template: 'nothing' }, expect: { output: { text: 'x' } } },
        { name: 'ruleset', simulate: { kind: 'rules', ruleset: 'nothing', cart: { items: [{ sku: 'A', quantity: 1, price: 1 }] }, promotions: [{}] }, expect: { to: 'won' } },
        { name: 'policy', simulate: { kind: 'otp', policy: 'nothing' }, expect: { output: { text: 'x' } } },
        { name: 'policy', simulate: { kind: 'otp', policy: 'nothing' }, expect: { code: 'NOT_FOUND' } },
      ],
    };
    const { app, problems } = compileAppFiles([...filesOf('solarium'), { file: path.join(ROOT, 'solarium', 'broken.test.yaml'), content: test }], [], ROOT);
    expect(app).toBeUndefined();
    expect(problems.map((p) => `${p.file} ${p.path}: ${p.message}`)).toEqual([
      'solarium/broken.test.yaml $.cases[0].simulate.entity: Entity "nothing" is not defined in this app',
      'solarium/broken.test.yaml $.cases[1].simulate.role: Role "boss" is not declared by the app',
      'solarium/broken.test.yaml $.cases[1].simulate.record.status: "nowhere" is not a state of workflow "lead-status"',
      'solarium/broken.test.yaml $.cases[1].simulate.event: Workflow "lead-status" has no event "fly"',
      'solarium/broken.test.yaml $.cases[1].expect.to: "heaven" is not a state of workflow "lead-status"',
      'solarium/broken.test.yaml $.cases[2].simulate.target: "moon" is not a state of workflow "lead-status"',
      'solarium/broken.test.yaml $.cases[3].simulate: A move names the event to fire or the target state, one of the two',
      'solarium/broken.test.yaml $.cases[4].simulate.template: Template "nothing" is not defined in this app',
      'solarium/broken.test.yaml $.cases[5].expect: "allowed" and "to" are about moves; this case simulates a rules',
      'solarium/broken.test.yaml $.cases[5].simulate.ruleset: Ruleset "nothing" is not defined in this app',
      'solarium/broken.test.yaml $.cases[6].simulate.policy: OTP policy "nothing" is not defined in this app',
      'solarium/broken.test.yaml $.cases[7].name: The case "policy" is already in this test',
      'solarium/broken.test.yaml $.cases[7].simulate.policy: OTP policy "nothing" is not defined in this app',
    ]);
  });

  it('refuses a case whose simulation is not of a known shape, at its path', () => {
    const test = { kind: 'test', name: 'shape', cases: [{ name: 'x', simulate: { kind: 'move', entity: 'lead', role: 'cp', target: 'won', colour: 'blue' }, expect: {} }] };
    const { problems } = compileAppFiles([...filesOf('solarium'), { file: path.join(ROOT, 'solarium', 'shape.test.yaml'), content: test }], [], ROOT);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['$.cases[0].simulate.colour: Unknown property "colour" is not allowed', '$.cases[0].expect: Must NOT have fewer than 1 properties']);
  });
});
