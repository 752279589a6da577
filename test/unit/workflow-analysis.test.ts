import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, type WorkflowAppNames } from '../../engine/lifecycle/analyze-workflow.ts';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import type { WorkflowDef } from '../../engine/registry/definition-types.ts';

const DEFINITIONS = path.resolve(import.meta.dirname, '../../definitions');
const readYaml = (app: string, file: string) => parse(readFileSync(path.join(DEFINITIONS, app, file), 'utf8')) as Record<string, any>;

/** The names an app declares, read from its folder as the loader reads them. */
function namesOf(app: string): WorkflowAppNames {
  const defs = readdirSync(path.join(DEFINITIONS, app)).filter((f) => f.endsWith('.yaml')).map((f) => readYaml(app, f));
  const named = (kind: string) => defs.filter((d) => d.kind === kind).map((d) => d.name as string);
  return { roles: Object.keys(defs.find((d) => d.kind === 'app')!.roles), templates: named('template'), otpPolicies: named('otp') };
}

/** A reference workflow after a small edit, analyzed against its own app. */
function analyze(app: string, file: string, edit: (wf: any) => void = () => {}) {
  const wf = readYaml(app, file);
  edit(wf);
  return analyzeWorkflow(`${app}/${file}`, wf as WorkflowDef, namesOf(app));
}
const solarium = (edit?: (wf: any) => void) => analyze('solarium', 'lead-status.workflow.yaml', edit);
const ekyc = (edit?: (wf: any) => void) => analyze('ekyc', 'journey.workflow.yaml', edit);
const promotion = (edit?: (wf: any) => void) => analyze('promopartner', 'promotion-lifecycle.workflow.yaml', edit);
const reconciliation = (edit?: (wf: any) => void) => analyze('promopartner', 'reconciliation.workflow.yaml', edit);
const LEAD = 'solarium/lead-status.workflow.yaml';
const JOURNEY = 'ekyc/journey.workflow.yaml';
const PROMOTION = 'promopartner/promotion-lifecycle.workflow.yaml';
const RECONCILIATION = 'promopartner/reconciliation.workflow.yaml';

describe('workflow analysis', () => {
  describe('the reference apps', () => {
    it('finds nothing in the Solarium status matrix and the PromoPartner workflows', () => {
      expect([...solarium(), ...promotion(), ...reconciliation()]).toEqual([]);
    });

    it('finds nothing to say of the whole eKYC journey (its pending states reached and left through their verification steps)', () => {
      expect(ekyc()).toEqual([]);
    });
  });

  describe('reachability', () => {
    it('warns of a state no move reaches, naming the override roles that can still put a record there', () => {
      expect(solarium((wf) => delete wf.matrix.quotation_shared.customer_accepted)).toEqual([
        { file: LEAD, path: '$.states.customer_accepted', severity: 'warning', message: 'State "customer_accepted" cannot be reached from "new_lead" by any move; only an override (roles admin, kam) can put a record there' },
      ]);
    });

    it('warns of a non-final state no move leaves, and of the states only it led to', () => {
      expect(solarium((wf) => delete wf.matrix.won)).toEqual([
        { file: LEAD, path: '$.states.won', severity: 'warning', message: 'State "won" is not final but no move leaves it; only an override (roles admin, kam) can move a record out' },
        { file: LEAD, path: '$.states.executed', severity: 'warning', message: 'State "executed" cannot be reached from "new_lead" by any move; only an override (roles admin, kam) can put a record there' },
      ]);
    });

    it('follows moves written as a list, from several states at once', () => {
      expect(promotion((wf) => (wf.transitions = wf.transitions.filter((t: any) => t.event !== 'pause')))).toEqual([
        { file: PROMOTION, path: '$.states.paused', severity: 'warning', message: 'State "paused" cannot be reached from "draft" by any move; no record can get there (the workflow has no override)' },
      ]);
    });

    it('judges no state when the initial state is not declared: that error says why', () => {
      expect(solarium((wf) => (wf.initial = 'fresh'))).toEqual([{ file: LEAD, path: '$.initial', message: 'State "fresh" is not declared in "states"' }]);
    });

    it('asks for moves when a workflow has none, and judges no state', () => {
      expect(reconciliation((wf) => delete wf.transitions)).toEqual([{ file: RECONCILIATION, path: '$', message: 'A workflow needs "transitions" or a "matrix"' }]);
    });
  });

  describe('states a move names', () => {
    it('refuses a matrix row and a cell naming undeclared states, at the row and at the cell', () => {
      expect(solarium((wf) => {
        wf.matrix.paused = { won: ['kam'] };
        wf.matrix.won.paid = ['admin'];
      })).toEqual([
        { file: LEAD, path: '$.matrix.won.paid', message: 'State "paid" is not declared in "states"' },
        { file: LEAD, path: '$.matrix.paused', message: 'State "paused" is not declared in "states"' },
      ]);
    });

    it('refuses a listed move from or to an undeclared state, once for its place', () => {
      expect(promotion((wf) => (wf.transitions[5].to = 'expired'))).toEqual([{ file: PROMOTION, path: '$.transitions[5].to', message: 'State "expired" is not declared in "states"' }]);
      // The states behind a misspelt one are not reported again as unreachable.
      expect(reconciliation((wf) => (wf.transitions[1].from = 'Review'))).toEqual([
        { file: RECONCILIATION, path: '$.transitions[1].from', message: 'State "Review" is not declared in "states"' },
      ]);
    });

    it('refuses a move out of a final state', () => {
      expect(solarium((wf) => (wf.matrix.lost = { new_lead: ['admin'] }))).toEqual([
        { file: LEAD, path: '$.matrix.lost.new_lead', message: 'State "lost" is final: it cannot have outgoing transitions (admins move out of it by override)' },
      ]);
    });
  });

  describe('roles', () => {
    it('refuses a role the app does not declare', () => {
      expect(solarium((wf) => (wf.matrix.new_lead.lost = ['cp', 'manager']))).toEqual([
        { file: LEAD, path: '$.matrix.new_lead.lost.roles[1]', message: 'Role "manager" is not declared by the app' },
      ]);
    });

    it('refuses a move no role may take: every role undeclared, or none listed', () => {
      expect(solarium((wf) => (wf.matrix.won.executed = ['manager']))).toEqual([
        { file: LEAD, path: '$.matrix.won.executed.roles[0]', message: 'Role "manager" is not declared by the app' },
        { file: LEAD, path: '$.matrix.won.executed.roles', message: 'No role may take this move: none of its roles is declared by the app (only an override can make it)' },
      ]);
      expect(reconciliation((wf) => (wf.transitions[2].roles = []))).toEqual([
        { file: RECONCILIATION, path: '$.transitions[2].roles', message: 'No role may take this move (only an override can make it)' },
      ]);
    });

    it('lets the scheduler take a move, and says a from-list move’s problem once', () => {
      expect(promotion((wf) => (wf.transitions[5].roles = ['scheduler']))).toEqual([
        { file: PROMOTION, path: '$.transitions[5].roles[0]', message: 'Role "scheduler" is not declared by the app' },
        { file: PROMOTION, path: '$.transitions[5].roles', message: 'No role may take this move: none of its roles is declared by the app (only an override can make it)' },
      ]);
    });

    it('refuses an override role the app does not declare, the scheduler included', () => {
      expect(solarium((wf) => (wf.override.roles = ['admin', 'system']))).toEqual([
        { file: LEAD, path: '$.override.roles[1]', message: 'Role "system" is not declared by the app' },
      ]);
    });
  });

  describe('moves that can never be taken', () => {
    it('refuses a second unguarded move of one event from one state', () => {
      expect(promotion((wf) => delete wf.transitions[0].when)).toEqual([
        { file: PROMOTION, path: '$.transitions[1]', message: 'Event "activate" from "draft" is already defined at $.transitions[0] without a "when"; this move can never be taken' },
      ]);
    });

    it('refuses a stage gate above the stage of the state the move leaves', () => {
      expect(ekyc((wf) => (wf.transitions[2].requiresStage = 4))).toEqual([
        { file: JOURNEY, path: '$.transitions[2].requiresStage', message: 'The move PAN_SUBMITTED → ADDRESS_SUBMITTED can never be taken: it needs stage 4 and "PAN_SUBMITTED" is at stage 3' },
        { file: JOURNEY, path: '$.transitions[2].requiresStage', message: 'The move AADHAAR_OTP_SENT → ADDRESS_SUBMITTED can never be taken: it needs stage 4 and "AADHAAR_OTP_SENT" is at stage 3' },
        { file: JOURNEY, path: '$.transitions[2].requiresStage', message: 'The move ADDRESS_MANUAL → ADDRESS_SUBMITTED can never be taken: it needs stage 4 and "ADDRESS_MANUAL" is at stage 3' },
      ]);
    });

    it('applies the gate of an event to its other moves, as a transition decision does', () => {
      let added = -1;
      const problems = ekyc((wf) => (added = wf.transitions.push({ event: 'submit_address', from: 'MOBILE_VERIFIED', to: 'ADDRESS_SUBMITTED', roles: ['applicant'] }) - 1));
      expect(problems.filter((p) => p.severity !== 'warning')).toEqual([
        { file: JOURNEY, path: `$.transitions[${added}]`, message: 'The move MOBILE_VERIFIED → ADDRESS_SUBMITTED can never be taken: event "submit_address" needs stage 3 ($.transitions[2].requiresStage) and "MOBILE_VERIFIED" is at stage 2' },
      ]);
    });

    it('refuses a gate at a stage no state has, and says nothing more about it', () => {
      expect(ekyc((wf) => (wf.transitions[1].requiresStage = 30)).filter((p) => p.severity !== 'warning')).toEqual([
        { file: JOURNEY, path: '$.transitions[1].requiresStage', message: 'No state of this workflow is at stage 30' },
      ]);
    });
  });

  describe('templates and OTP policies', () => {
    it('refuses a notify of a template the app does not have, wherever the effect is declared', () => {
      expect(reconciliation((wf) => {
        wf.onCreate[1].notify.template = 'transaction-receipt-email';
        wf.transitions[2].effects = [{ notify: { template: 'settled-sms', to: '{{record.customerPhone}}' } }];
      })).toEqual([
        { file: RECONCILIATION, path: '$.transitions[2].effects[0].notify.template', message: 'Template "settled-sms" is not defined in this app' },
        { file: RECONCILIATION, path: '$.onCreate[1].notify.template', message: 'Template "transaction-receipt-email" is not defined in this app' },
      ]);
    });

    it('refuses an OTP policy a move or an issueOtp names that the app does not have', () => {
      expect(ekyc((wf) => {
        wf.transitions[0].otp.policy = 'mobile';
        wf.onCreate[0].issueOtp.policy = 'mobile';
      }).filter((p) => p.severity !== 'warning')).toEqual([
        { file: JOURNEY, path: '$.transitions[0].otp.policy', message: 'OTP policy "mobile" is not defined in this app' },
        { file: JOURNEY, path: '$.onCreate[0].issueOtp.policy', message: 'OTP policy "mobile" is not defined in this app' },
      ]);
    });
  });

  it('says the same of a matrix and the equivalent transition list, at their own places', () => {
    const asList = solarium((wf) => {
      // A cell is its roles, or { roles, effects }.
      type Cell = string[] | { roles: string[]; effects?: unknown[] };
      wf.transitions = Object.entries(wf.matrix as Record<string, Record<string, Cell>>).flatMap(([from, row]) =>
        Object.entries(row).map(([to, cell]) => (Array.isArray(cell) ? { event: to, from, to, roles: cell } : { event: to, from, to, roles: cell.roles, effects: cell.effects })),
      );
      delete wf.matrix;
      wf.transitions.find((t: any) => t.from === 'won').roles = ['manager'];
      wf.transitions = wf.transitions.filter((t: any) => t.to !== 'customer_accepted');
    });
    const asMatrix = solarium((wf) => {
      wf.matrix.won.executed = ['manager'];
      delete wf.matrix.quotation_shared.customer_accepted;
    });
    const shape = (ps: typeof asList) => ps.map((p) => p.message);
    expect(shape(asList)).toEqual(shape(asMatrix));
    expect(asList.map((p) => p.path)).toEqual(['$.transitions[15].roles[0]', '$.transitions[15].roles', '$.states.customer_accepted']);
    expect(asMatrix.map((p) => p.path)).toEqual(['$.matrix.won.executed.roles[0]', '$.matrix.won.executed.roles', '$.states.customer_accepted']);
  });
});

describe('workflow analysis at load', () => {
  const SOLARIUM = path.join(DEFINITIONS, 'solarium');
  const files = (edit: (wf: any) => void) => {
    const wf = readYaml('solarium', 'lead-status.workflow.yaml');
    edit(wf);
    // Every other definition of the app as it is; saved tests and demo data left out (they would exercise the edit).
    const others = readdirSync(SOLARIUM).filter((f) => f.endsWith('.yaml') && f !== 'lead-status.workflow.yaml' && !f.endsWith('.test.yaml') && !f.endsWith('.demo.yaml'));
    return [...others.map((f) => ({ file: `solarium/${f}`, content: readYaml('solarium', f) })), { file: 'solarium/lead-status.workflow.yaml', content: wf }];
  };

  it('loads an app whose only problems are warnings, and reports them', () => {
    // No move leads on hold (customer_accepted could not go: the quotation's accept moves a lead there).
    const result = compileAppFiles(files((wf) => (delete wf.matrix.in_discussion.on_hold, delete wf.matrix.site_survey.on_hold)));
    expect(result.app?.id).toBe('solarium');
    expect(result.problems.map((p) => `${p.severity} ${p.path}`)).toEqual(['warning $.states.on_hold']);
  });

  it('refuses an app with an error, and lists its warnings with it', () => {
    const result = compileAppFiles(files((wf) => {
      delete wf.matrix.in_discussion.on_hold;
      delete wf.matrix.site_survey.on_hold;
      wf.matrix.won.executed = ['cp', 'manager'];
    }));
    expect(result.app).toBeUndefined();
    expect(result.problems.map((p) => `${p.severity ?? 'error'} ${p.path}`)).toEqual(['error $.matrix.won.executed.roles[1]', 'warning $.states.on_hold']);
  });

  it('is printed by npm run validate, which exits 0 when there are only warnings', async () => {
    const cli = path.resolve(import.meta.dirname, '../../engine/registry/validate-cli.ts');
    const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
    // The eKYC folder with a state no move reaches or leaves (two warnings, no error).
    const root = mkdtempSync(path.join(os.tmpdir(), 'rulepath-validate-'));
    cpSync(path.join(DEFINITIONS, 'ekyc'), path.join(root, 'ekyc'), { recursive: true });
    const journey = path.join(root, 'ekyc', 'journey.workflow.yaml');
    writeFileSync(journey, readFileSync(journey, 'utf8').replace(/^states:\n/m, 'states:\n  ABANDONED: { label: Abandoned }\n'));
    try {
      const { stdout } = await promisify(execFile)(tsx, [cli, path.join(root, 'ekyc')], { cwd: root });
      expect(stdout.split('\n')).toEqual([
        'ok    ekyc  (app "ekyc": 1 entities, 1 workflows)',
        '  ekyc/journey.workflow.yaml  $.states.ABANDONED  warning: State "ABANDONED" cannot be reached from "INITIATED" by any move; no record can get there (the workflow has no override)',
        '  ekyc/journey.workflow.yaml  $.states.ABANDONED  warning: State "ABANDONED" is not final but no move leaves it; a record there stays there (the workflow has no override)',
        '',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
