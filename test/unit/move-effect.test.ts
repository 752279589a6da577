// The `move` effect's load checks — every problem with its file, JSON path and a sentence (Solarium's
// quotation accept, which moves its lead, broken one way at a time) — and its plan.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { moveRecord } from '../../engine/effects/move-record.ts';
import type { CompiledApp } from '../../engine/registry/compiled-app.ts';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WF = 'solarium/quotation-sharing.workflow.yaml';

function problemsOf(change: (files: Map<string, Record<string, any>>) => void = () => {}) {
  const dir = path.join(ROOT, 'definitions/solarium');
  const files = new Map(readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => [`solarium/${f}`, parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, any>]));
  change(files);
  return compileAppFiles([...files].map(([file, content]) => ({ file, content }))).problems.filter((p) => p.severity !== 'warning');
}
/** The accept transition's move effect. */
const move = (f: Map<string, Record<string, any>>) => f.get(WF)!.transitions[1].effects[0].move as Record<string, any>;
const AT = '$.transitions[1].effects[0].move';

describe('move effect: load checks', () => {
  it('accepts the quotation accept that moves its lead', () => {
    expect(problemsOf()).toEqual([]);
  });

  it('names an entity the app does not have, and one without a workflow', () => {
    expect(problemsOf((f) => (move(f).entity = 'prospect'))).toEqual([{ file: WF, path: `${AT}.entity`, message: 'Entity "prospect" is not defined in this app' }]);
    expect(problemsOf((f) => (move(f).entity = 'customer'))).toEqual([{ file: WF, path: `${AT}.entity`, message: 'Entity "customer" has no workflow: its records cannot be moved' }]);
  });

  it('names an event the target workflow does not have', () => {
    expect(problemsOf((f) => (move(f).event = 'accepted'))).toEqual([{ file: WF, path: `${AT}.event`, message: 'Workflow "lead-status" has no event "accepted"' }]);
  });

  it('refuses a move whose event asks for a code, which no move effect can send', () => {
    const problems = problemsOf((f) => {
      f.get('solarium/commission-payout.workflow.yaml')!.transitions[0].otp = { policy: 'login', field: 'code' };
      Object.assign(move(f), { entity: 'commission', event: 'approve_or_pay' });
    });
    expect(problems).toEqual([{ file: WF, path: `${AT}.event`, message: 'Event "approve_or_pay" of workflow "commission-payout" asks for a code, which a move effect cannot send' }]);
  });

  it('checks the expressions of the id, the input and the remarks, and the input against the target workflow', () => {
    const problems = problemsOf((f) => {
      move(f).id = '{{record.lead}}';
      move(f).input = { followUpDate: '{{input.when}}', reason: 'x' };
      move(f).remarks = '{{process.env}}';
    });
    expect(problems).toEqual([
      { file: WF, path: `${AT}.input.reason`, message: 'The input of workflow "lead-status" has no field "reason"' },
      { file: WF, path: `${AT}.id`, message: '"{{record.lead}}": entity "quotation" has no field "lead"' },
      { file: WF, path: `${AT}.input.followUpDate`, message: '"{{input.when}}": the workflow input has no field "when"' },
      { file: WF, path: `${AT}.remarks`, message: '"{{process.env}}" must be a path under record, actor, input, remarks, now' },
    ]);
  });

  it('is refused by its schema without an event, and on a create', () => {
    expect(problemsOf((f) => delete move(f).event).map((p) => [p.file, p.path])).toEqual([[WF, `${AT}.event`]]);
    const onCreate = problemsOf((f) => (f.get(WF)!.onCreate = [{ move: { entity: 'lead', id: '{{record.leadId}}', event: 'customer_accepted' } }]));
    expect(onCreate).toEqual([{ file: WF, path: '$.onCreate[0]', message: 'move can only be used in transition or workflow' }]);
  });

  it('reports only the entity’s own problem when the target entity is refused by its schema', () => {
    const problems = problemsOf((f) => (f.get('solarium/lead.entity.yaml')!.fields.city.type = 'text'));
    expect(problems).toContainEqual(expect.objectContaining({ file: 'solarium/lead.entity.yaml', path: '$.fields.city.type' }));
    expect(problems.filter((p) => p.file === WF)).toEqual([]);
  });
});

describe('move effect: plan', () => {
  const app = {} as CompiledApp;
  const ctx = { record: { id: 'q1', leadId: 'l1' }, actor: { id: 'u1', role: 'customer' }, input: {}, now: '2026-11-30T00:00:00.000Z' };
  const target = { app, recordId: 'q1', key: 'k', index: 0 };

  it('resolves the id, input and remarks on the record as the move leaves it, for a step in the transaction', () => {
    const part = moveRecord.plan({ entity: 'lead', id: '{{record.leadId}}', event: 'customer_accepted', input: { note: '{{record.id}}', empty: '{{record.none}}' }, remarks: 'Quotation {{record.id}}' }, ctx, target);
    expect(part).toEqual({ deliver: { entity: 'lead', id: 'l1', event: 'customer_accepted', input: { note: 'q1' }, remarks: 'Quotation q1', actor: ctx.actor } });
  });

  it('skips an optional move whose id resolves to nothing, and keeps a required one for its refusal', () => {
    const body = { entity: 'lead', id: '{{record.otherLead}}', event: 'won' };
    expect(moveRecord.plan({ ...body, optional: true }, ctx, target)).toEqual({ skipped: { message: 'no lead moved: the record names none', detail: { entity: 'lead', event: 'won' } } });
    expect(moveRecord.plan(body, ctx, target).deliver).toMatchObject({ entity: 'lead', id: undefined });
  });
});
