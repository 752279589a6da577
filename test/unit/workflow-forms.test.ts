import { describe, expect, it } from 'vitest';
import type { WorkflowDef } from '../../engine/registry/definition-types.ts';
import { compileWorkflow } from '../../engine/workflow/compile-workflow.ts';
import { allowedEvents, decideTransition } from '../../engine/workflow/decide-transition.ts';

const states = { draft: {}, review: {}, approved: {}, rejected: { final: true }, archived: { final: true } };

const asMatrix: WorkflowDef = {
  kind: 'workflow',
  name: 'doc',
  entity: 'doc',
  initial: 'draft',
  states,
  matrix: {
    draft: { review: [ 'author', 'editor' ], archived: ['editor'] },
    review: {
      approved: { roles: ['editor'], when: { fact: 'record', path: '$.pages', operator: 'greaterThan', value: 0 } },
      rejected: ['editor'],
      draft: ['author', 'editor'],
    },
    approved: { archived: ['editor'] },
  },
};

const asList: WorkflowDef = {
  kind: 'workflow',
  name: 'doc',
  entity: 'doc',
  initial: 'draft',
  states,
  transitions: [
    { event: 'review', from: 'draft', to: 'review', roles: ['author', 'editor'] },
    { event: 'archived', from: ['draft', 'approved'], to: 'archived', roles: ['editor'] },
    { event: 'approved', from: 'review', to: 'approved', roles: ['editor'], when: { fact: 'record', path: '$.pages', operator: 'greaterThan', value: 0 } },
    { event: 'rejected', from: 'review', to: 'rejected', roles: ['editor'] },
    { event: 'draft', from: 'review', to: 'draft', roles: ['author', 'editor'] },
  ],
};

async function behaviour(def: WorkflowDef) {
  const wf = compileWorkflow(def);
  const table: string[] = [];
  for (const from of Object.keys(states)) {
    for (const role of ['author', 'editor', 'reader']) {
      for (const pages of [0, 3]) {
        const facts = { record: { pages }, input: {}, actor: {} };
        table.push(`${from}/${role}/${pages}: ${(await allowedEvents(wf, from, role, facts)).sort().join(',')}`);
        for (const to of Object.keys(states)) {
          const r = await decideTransition(wf, from, { role, target: to }, facts).then((d) => d.to, () => 'refused');
          table.push(`${from}->${to}/${role}/${pages}: ${r}`);
        }
      }
    }
  }
  return table;
}

describe('workflow authoring forms', () => {
  it('compiles a matrix and the equivalent transition list to machines that agree on every move', async () => {
    const [m, l] = await Promise.all([behaviour(asMatrix), behaviour(asList)]);
    expect(m).toEqual(l);
    expect(m).toContain('review/editor/3: approved,draft,rejected');
    expect(m).toContain('review/editor/0: draft,rejected'); // the guard holds the approval back
  });

  it('evaluates guards over record, input and actor facts', async () => {
    const wf = compileWorkflow({
      ...asList,
      transitions: [{ event: 'review', from: 'draft', to: 'review', roles: ['author'], when: { all: [{ fact: 'input', path: '$.ready', operator: 'equal', value: true }, { fact: 'actor', path: '$.email', operator: 'notEqual', value: 'blocked@x.y' }] } }],
    });
    const run = (ready: boolean, email: string) => decideTransition(wf, 'draft', { role: 'author', event: 'review' }, { record: {}, input: { ready }, actor: { email } }).then(() => true, () => false);
    expect(await run(true, 'a@x.y')).toBe(true);
    expect(await run(false, 'a@x.y')).toBe(false);
    expect(await run(true, 'blocked@x.y')).toBe(false);
  });

  it('never lets a guard path reach the prototype', async () => {
    const wf = compileWorkflow({
      ...asList,
      transitions: [{ event: 'review', from: 'draft', to: 'review', roles: ['author'], when: { fact: 'record', path: '$.constructor', operator: 'notEqual', value: null } }],
    });
    await expect(decideTransition(wf, 'draft', { role: 'author', event: 'review' }, { record: {}, input: {}, actor: {} })).rejects.toBeDefined();
  });
});
