// Load-time checks of the per-role field rules (hide, fixed) and of an entity's assignment rule and
// timeline option, on the Solarium reference app with one change each.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import { parseListQuery } from '../../engine/records/list-query.ts';
import { hiddenMoveParts } from '../../engine/records/hidden-fields.ts';
import { describeChanges } from '../../engine/lifecycle/describe-changes.ts';
import type { AnyDefinition } from '../../engine/registry/definition-types.ts';

const SOLARIUM = path.resolve(import.meta.dirname, '../../definitions/solarium');
const read = (file: string) => parse(readFileSync(path.join(SOLARIUM, file), 'utf8')) as Record<string, any>;
const good = () => ({ app: read('app.yaml'), entity: read('lead.entity.yaml'), workflow: read('lead-status.workflow.yaml') });

function compile(change: (d: ReturnType<typeof good>) => void) {
  const d = good();
  change(d);
  // The app's other definitions as they are.
  const changed = new Set(['app.yaml', 'lead.entity.yaml', 'lead-status.workflow.yaml']);
  const others = readdirSync(SOLARIUM)
    .filter((f) => f.endsWith('.yaml') && !changed.has(f) && !f.endsWith('.test.yaml'))
    .map((f) => ({ file: `solarium/${f}`, content: read(f) }));
  return compileAppFiles([
    { file: 'solarium/app.yaml', content: d.app },
    { file: 'solarium/lead.entity.yaml', content: d.entity },
    { file: 'solarium/lead-status.workflow.yaml', content: d.workflow },
    ...others,
  ]);
}
const problemsOf = (change: (d: ReturnType<typeof good>) => void) => compile(change).problems;
const APP = 'solarium/app.yaml';
const ENTITY = 'solarium/lead.entity.yaml';

describe('hide (fields a role never sees)', () => {
  it('refuses a field the entity lacks, and one the role may also change', () => {
    expect(problemsOf((d) => {
      d.app.roles.customer.permissions.lead.hide = ['remarks', 'notes'];
      d.app.roles.cp.permissions.lead.update = ['city', 'remarks'];
      d.app.roles.cp.permissions.lead.hide = ['remarks'];
    })).toEqual([
      { file: APP, path: '$.roles.cp.permissions.lead.hide[0]', message: 'Role "cp" may not both change "remarks" (update) and never see it (hide)' },
      { file: APP, path: '$.roles.customer.permissions.lead.hide[1]', message: 'Entity "lead" has no field "notes"' },
    ]);
  });
  it('refuses hiding a required field from a role that creates records and has nothing to fill it', () => {
    expect(problemsOf((d) => (d.app.roles.customer.permissions.lead.hide = ['remarks', 'city']))).toEqual([
      { file: APP, path: '$.roles.customer.permissions.lead.hide[1]', message: 'Role "customer" creates lead records but could never send the required field "city" it may not see' },
    ]);
    expect(problemsOf((d) => {
      d.app.roles.customer.permissions.lead.hide = ['city'];
      d.app.roles.customer.permissions.lead.fixed = { source: 'customer_app', city: 'Pune' };
    })).toEqual([]);
  });
  it('refuses an empty list and a name that is not a field name', () => {
    const problems = problemsOf((d) => (d.app.roles.customer.permissions.lead.hide = []));
    expect(problems).toEqual([expect.objectContaining({ file: APP, path: '$.roles.customer.permissions.lead.hide' })]);
  });
});

describe('fixed (values a role always writes)', () => {
  it('refuses a field the entity lacks, a value outside its enum and a value of another type', () => {
    expect(problemsOf((d) => (d.app.roles.customer.permissions.lead.fixed = { channel: 'app', source: 'customer_portal', capacityKw: 'five' }))).toEqual([
      { file: APP, path: '$.roles.customer.permissions.lead.fixed.channel', message: 'Entity "lead" has no field "channel"' },
      { file: APP, path: '$.roles.customer.permissions.lead.fixed.source', message: '"customer_portal" is not one of the values of "source" ("cp_app", "customer_app", "web_portal", "referral", "walk_in")' },
      { file: APP, path: '$.roles.customer.permissions.lead.fixed.capacityKw', message: '"five" is not a value of "capacityKw" (type number)' },
    ]);
  });
});

describe('assign (who a new record goes to)', () => {
  it('refuses an unknown field, role and match field, and a condition on an unknown field', () => {
    expect(problemsOf((d) => {
      d.entity.assign = { field: 'owner', role: 'partner', match: { district: 'attributes.city' }, when: { fact: 'record', path: '$.channel', operator: 'equal', value: 'x' } };
    })).toEqual([
      { file: ENTITY, path: '$.assign.field', message: '"owner" is not a field of entity "lead"' },
      { file: ENTITY, path: '$.assign.role', message: 'Role "partner" is not declared by the app' },
      { file: ENTITY, path: '$.assign.match.district', message: '"district" is not a field of entity "lead"' },
      expect.objectContaining({ file: ENTITY, path: expect.stringMatching(/^\$\.assign\.when/), message: 'Entity "lead" has no field "channel"' }),
    ]);
  });
  it('refuses a field that cannot hold a user id, an unknown strategy and a match that is not a user attribute', () => {
    expect(problemsOf((d) => (d.entity.assign = { field: 'capacityKw', role: 'cp' }))).toEqual([
      { file: ENTITY, path: '$.assign.field', message: '"capacityKw" receives a user id: it must be a string field' },
    ]);
    const schema = problemsOf((d) => (d.entity.assign = { field: 'assignedCp', role: 'cp', strategy: 'random', match: { city: 'city' } }));
    expect(schema.map((p) => p.path).sort()).toEqual(['$.assign.match.city', '$.assign.strategy']);
  });
  it('compiles the condition of the shipped rule', () => {
    const { app, problems } = compile(() => {});
    expect(problems).toEqual([]);
    expect(app!.entities.get('lead')!.assignWhen).toEqual(expect.any(Function));
  });
});

describe('timeline', () => {
  it('refuses an unknown option', () => {
    expect(problemsOf((d) => (d.entity.timeline = { refused: true, internal: true }))).toEqual([
      { file: ENTITY, path: '$.timeline.internal', message: 'Unknown property "internal" is not allowed' },
    ]);
  });
});

describe('what a hidden field takes with it', () => {
  const { app } = compile(() => {});
  const lead = app!.entities.get('lead')!;
  it('hides the remarks of a move that copies them into a hidden field, and the input copied into one', () => {
    expect(hiddenMoveParts(lead.workflow, new Set(['remarks']))).toEqual({ remarks: true, input: new Set() });
    expect(hiddenMoveParts(lead.workflow, new Set(['nextFollowUpDate']))).toEqual({ remarks: false, input: new Set(['followUpDate']) });
    expect(hiddenMoveParts(lead.workflow, new Set(['city']))).toEqual({ remarks: false, input: new Set() });
  });
  it('refuses filtering and sorting on a hidden field by name, and leaves it out of the sortable list', () => {
    expect(() => parseListQuery(lead, { assignedCp: 'x', sort: 'name' }, new Set(['assignedCp']), 'customer')).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST', details: [{ path: '$.query.assignedCp', message: 'Role "customer" may not filter on "assignedCp"' }] }),
    );
    expect(() => parseListQuery(lead, { sort: '-city' }, new Set(['city']), 'customer')).toThrow(
      expect.objectContaining({ details: [{ path: '$.query.sort', message: 'Role "customer" may not sort on "city"' }] }),
    );
    expect(() => parseListQuery(lead, { sort: 'nope' }, new Set(['city']), 'customer')).toThrow(
      expect.objectContaining({ details: [{ path: '$.query.sort', message: 'Sort by one of: createdAt, updatedAt, name, capacityKw, nextFollowUpDate (prefix - for descending)' }] }),
    );
  });
});

describe('the plain-language diff of a change set', () => {
  const changesOf = (edit: (d: any) => void) => {
    const before = read('app.yaml');
    const after = read('app.yaml');
    edit(after);
    return describeChanges(before as AnyDefinition, after as AnyDefinition).map((c) => `${c.kind} ${c.path} ${c.sentence}`);
  };
  it('says which fields a role no longer (or now) sees, and the values it now writes', () => {
    expect(changesOf((a) => {
      a.roles.customer.permissions.lead.hide = ['assignedCp', 'nextFollowUpDate'];
      a.roles.customer.permissions.lead.fixed = { source: 'web_portal' };
      a.roles.cp.permissions.lead.fixed = { source: 'cp_app' };
    })).toEqual([
      'added $.roles.cp.permissions.lead.fixed.source Role cp now writes source = "cp_app" on every lead record',
      'added $.roles.customer.permissions.lead.hide Role customer no longer sees field nextFollowUpDate of lead records',
      'removed $.roles.customer.permissions.lead.hide Role customer now sees field remarks of lead records',
      'changed $.roles.customer.permissions.lead.fixed.source Role customer now writes source = "web_portal" on every lead record',
    ]);
  });
});
