// Every (state x target x role) cell of the Solarium status matrix, against a table written here
// independently of definitions/solarium (seed 001 §3.2 and issue 2 §6).
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAppDir } from '../../engine/registry/compile-app.ts';
import type { CompiledWorkflow } from '../../engine/workflow/compiled-workflow.ts';
import { decideTransition } from '../../engine/workflow/decide-transition.ts';

const STATES = ['new_lead', 'in_discussion', 'site_survey', 'quotation_shared', 'customer_accepted', 'on_hold', 'won', 'executed', 'lost'];
const ROLES = ['admin', 'kam', 'cp', 'customer'];

const MOVES: Record<string, string[]> = {
  new_lead: ['in_discussion', 'lost'],
  in_discussion: ['site_survey', 'quotation_shared', 'on_hold', 'lost'],
  site_survey: ['quotation_shared', 'on_hold', 'lost'],
  quotation_shared: ['customer_accepted', 'won', 'in_discussion', 'lost'],
  customer_accepted: ['won'],
  on_hold: ['in_discussion', 'lost'],
  won: ['executed'],
  executed: [],
  lost: [],
};

function expectedWithoutOverride(from: string, to: string, role: string): boolean {
  if (!MOVES[from]!.includes(to)) return false;
  if (to === 'customer_accepted') return role === 'customer';
  return role !== 'customer';
}

let wf: CompiledWorkflow;
beforeAll(() => {
  const result = loadAppDir(path.resolve(import.meta.dirname, '../../definitions/solarium'));
  expect(result.problems).toEqual([]);
  wf = result.app!.workflows.get('lead-status')!;
});

const facts = { record: {}, input: {}, actor: {} };

async function outcome(from: string, to: string, role: string, override = false): Promise<'allowed' | 'override' | 'refused'> {
  try {
    const d = await decideTransition(wf, from, { role, target: to, override, remarks: override ? 'because' : undefined }, facts);
    return d.override ? 'override' : 'allowed';
  } catch (err) {
    expect((err as { code?: string }).code).toBe('INVALID_TRANSITION');
    return 'refused';
  }
}

describe('solarium lead-status matrix', () => {
  it('declares exactly the states of the seed', () => {
    expect(Object.keys(wf.states).sort()).toEqual([...STATES].sort());
  });

  for (const role of ROLES) {
    it(`allows role ${role} exactly the moves of the table (${STATES.length * STATES.length} cells), without override`, async () => {
      const mismatches: string[] = [];
      for (const from of STATES) {
        for (const to of STATES) {
          const want = expectedWithoutOverride(from, to, role) ? 'allowed' : 'refused';
          const got = await outcome(from, to, role);
          if (got !== want) mismatches.push(`${from} -> ${to}: want ${want}, got ${got}`);
        }
      }
      expect(mismatches).toEqual([]);
    });

    it(`with override: role ${role} ${['admin', 'kam'].includes(role) ? 'may make any move, logged as an override' : 'is held to the matrix'}`, async () => {
      const mismatches: string[] = [];
      for (const from of STATES) {
        for (const to of STATES) {
          const normal = expectedWithoutOverride(from, to, role);
          const want = normal ? 'allowed' : ['admin', 'kam'].includes(role) ? 'override' : 'refused';
          const got = await outcome(from, to, role, true);
          if (got !== want) mismatches.push(`${from} -> ${to}: want ${want}, got ${got}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('labels states for people ("Customer Accepted", "New Lead")', () => {
    expect(wf.states.customer_accepted?.label).toBe('Customer Accepted');
    expect(wf.states.new_lead?.label).toBe('New Lead');
  });
});
