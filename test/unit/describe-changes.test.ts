import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { describeChanges } from '../../engine/lifecycle/describe-changes.ts';
import type { AnyDefinition } from '../../engine/registry/definition-types.ts';

const DEFINITIONS = path.resolve(import.meta.dirname, '../../definitions');
const read = (file: string) => parse(readFileSync(path.join(DEFINITIONS, file), 'utf8')) as any;

/** The changes from a reference definition to a copy of it after a small edit. */
function changesOf(file: string, edit: (d: any) => void) {
  const after = read(file);
  edit(after);
  return describeChanges(read(file) as AnyDefinition, after as AnyDefinition);
}
const sentencesOf = (file: string, edit: (d: any) => void) => changesOf(file, edit).map((c) => c.sentence);

const LEAD_STATUS = 'solarium/lead-status.workflow.yaml';
const PROMOTION = 'promopartner/promotion-lifecycle.workflow.yaml';

/** The same data with every object's keys in reverse order, as a database may hand it back. */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
}

describe('describeChanges', () => {
  it('says a whole definition added or removed in one change', () => {
    const template = read('promopartner/login-otp-sms.template.yaml');
    expect(describeChanges(undefined, template)).toEqual([{ path: '$', kind: 'added', sentence: 'Template login-otp-sms added', after: template }]);
    const app = read('solarium/app.yaml');
    expect(describeChanges(app, undefined)).toEqual([{ path: '$', kind: 'removed', sentence: 'App solarium removed', before: app }]);
    expect(describeChanges(undefined, undefined)).toEqual([]);
  });

  it('finds no change between a definition and itself', () => {
    for (const file of [LEAD_STATUS, PROMOTION, 'solarium/app.yaml', 'solarium/lead.entity.yaml', 'promopartner/login.otp.yaml']) {
      expect(describeChanges(read(file), read(file))).toEqual([]);
    }
  });

  it('says the same whichever key order the two versions were stored in', () => {
    const edit = (w: any) => {
      w.matrix.quotation_shared.won.push('customer');
      w.states.paused = { label: 'Paused' };
      w.matrix.in_discussion.paused = ['kam'];
    };
    const after = read(LEAD_STATUS);
    edit(after);
    const expected = describeChanges(read(LEAD_STATUS), after);
    expect(describeChanges(reverseKeys(read(LEAD_STATUS)) as AnyDefinition, reverseKeys(after) as AnyDefinition)).toEqual(expected);
    expect(expected.map((c) => c.sentence)).toEqual([
      'State paused added (label Paused)',
      'Move in_discussion → paused added, allowed for role kam',
      'Move quotation_shared → won now also allowed for role customer',
    ]);
  });
});

describe('workflow changes', () => {
  it('says which roles a move gained and lost, at its matrix cell', () => {
    expect(changesOf(LEAD_STATUS, (w) => {
      w.matrix.quotation_shared.won.push('customer');
      w.matrix.new_lead.lost = ['cp', 'admin'];
    })).toEqual([
      { path: '$.matrix.new_lead.lost', kind: 'removed', sentence: 'Move new_lead → lost no longer allowed for role kam', before: ['kam'] },
      { path: '$.matrix.quotation_shared.won', kind: 'added', sentence: 'Move quotation_shared → won now also allowed for role customer', after: ['customer'] },
    ]);
  });

  it('sees no change when a matrix is rewritten as the equivalent transition list', () => {
    expect(changesOf(LEAD_STATUS, (w) => {
      // A cell is its roles, or { roles, effects } (won → executed creates the commission).
      type Cell = string[] | { roles: string[]; effects?: unknown[] };
      w.transitions = Object.entries(w.matrix as Record<string, Record<string, Cell>>).flatMap(([from, row]) =>
        Object.entries(row).map(([to, cell]) => (Array.isArray(cell) ? { event: to, from, to, roles: [...cell].reverse() } : { event: to, from, to, roles: [...cell.roles].reverse(), effects: cell.effects })),
      );
      delete w.matrix;
    })).toEqual([]);
  });

  it('compares a matrix cell and a transition by their moves, and points at the new place', () => {
    const changes = changesOf(LEAD_STATUS, (w) => {
      const { effects } = w.matrix.won.executed;
      delete w.matrix.won;
      w.transitions = [{ event: 'executed', from: 'won', to: 'executed', roles: ['admin'], when: { fact: 'record', path: '$.quotationId', operator: 'notEqual', value: null }, effects }];
    });
    expect(changes).toEqual([
      { path: '$.matrix.won.executed.roles', kind: 'removed', sentence: 'Move won → executed no longer allowed for roles cp, kam', before: ['cp', 'kam'] },
      { path: '$.transitions[0].when', kind: 'added', sentence: 'Move won → executed: now has a condition', after: { fact: 'record', path: '$.quotationId', operator: 'notEqual', value: null } },
    ]);
  });

  it('says a state removed with its moves, and a state added with its label', () => {
    expect(sentencesOf(LEAD_STATUS, (w) => {
      delete w.states.on_hold;
      delete w.matrix.on_hold;
      delete w.matrix.in_discussion.on_hold;
      delete w.matrix.site_survey.on_hold;
      w.states.paused = { label: 'Paused' };
      w.states.won.label = 'Closed won';
      w.states.executed.final = false;
    })).toEqual([
      'State executed is no longer final',
      'State on_hold removed',
      'State paused added (label Paused)',
      'State won: label Won → Closed won',
      'Move in_discussion → on_hold removed',
      'Move on_hold → in_discussion removed',
      'Move on_hold → lost removed',
      'Move site_survey → on_hold removed',
    ]);
  });

  it('says when a guard changed, and pairs guarded alternatives of one event by their target', () => {
    expect(changesOf(PROMOTION, (w) => {
      w.transitions[0].when.operator = 'onOrAfter';
      w.transitions[1].limit.max = 25;
    })).toEqual([
      { path: '$.transitions[1].limit', kind: 'changed', sentence: 'Move draft → active (activate): at most 20 → 25 records in active at once', before: expect.objectContaining({ max: 20 }), after: expect.objectContaining({ max: 25 }) },
      { path: '$.transitions[0].when', kind: 'changed', sentence: 'Move draft → scheduled (activate): its condition changed', before: expect.objectContaining({ operator: 'after' }), after: expect.objectContaining({ operator: 'onOrAfter' }) },
    ]);
  });

  it('says a renamed event, a move dropped from a from-list, a stage gate and a code', () => {
    expect(changesOf(PROMOTION, (w) => {
      w.transitions[3].event = 'hold';
      w.transitions[5].from = ['active', 'paused'];
      w.transitions[4].requiresStage = 2;
      w.transitions[4].otp = { policy: 'login', field: 'code' };
      delete w.transitions[2].limit;
    })).toEqual([
      { path: '$.transitions[3].event', kind: 'changed', sentence: 'Move active → paused: event pause → hold', before: 'pause', after: 'hold' },
      { path: '$.transitions[4].requiresStage', kind: 'added', sentence: 'Move paused → active (resume): now needs stage 2', after: 2 },
      { path: '$.transitions[4].otp', kind: 'added', sentence: 'Move paused → active (resume): now needs a code of OTP policy login (input field code)', after: { policy: 'login', field: 'code' } },
      { path: '$.transitions[2].limit', kind: 'removed', sentence: 'Move scheduled → active (start): no longer limits the records in active', before: expect.objectContaining({ max: 20 }) },
      { path: '$.transitions[5]', kind: 'removed', sentence: 'Move scheduled → archived (expire) removed', before: { event: 'expire', from: 'scheduled', to: 'archived', roles: ['system'], effects: [] } },
    ]);
  });

  it('says a new move with its roles', () => {
    expect(changesOf(PROMOTION, (w) => w.transitions.push({ event: 'reopen', from: 'paused', to: 'draft', roles: ['admin'] }))).toEqual([
      { path: '$.transitions[7]', kind: 'added', sentence: 'Move paused → draft (reopen) added, allowed for role admin', after: { event: 'reopen', from: 'paused', to: 'draft', roles: ['admin'], effects: [] } },
    ]);
  });

  it('names effects by what they send, emit or set', () => {
    expect(changesOf(LEAD_STATUS, (w) => {
      w.effects.push({ notify: { template: 'lead-won-sms', to: '{{record.phone}}' } });
      w.effects[0].set.remarks = '{{input.note}}';
      w.matrix.quotation_shared.won = { roles: ['cp', 'admin', 'kam'], effects: [{ emit: { event: 'LEAD_WON', topics: ['CRM'] } }] };
    })).toEqual([
      { path: '$.matrix.quotation_shared.won.effects[0]', kind: 'added', sentence: 'Move quotation_shared → won: an emit of event LEAD_WON added', after: { emit: { event: 'LEAD_WON', topics: ['CRM'] } } },
      { path: '$.effects[0]', kind: 'changed', sentence: 'Workflow effects: a set of nextFollowUpDate, remarks changed', before: expect.anything(), after: expect.anything() },
      { path: '$.effects[1]', kind: 'added', sentence: 'Workflow effects: a notify of template lead-won-sms added', after: { notify: { template: 'lead-won-sms', to: '{{record.phone}}' } } },
    ]);
  });

  it('sees an effect moved in its list as a new order, not as a removal and an addition', () => {
    const changes = changesOf('promopartner/reconciliation.workflow.yaml', (w) => w.onCreate.reverse());
    expect(changes.map((c) => `${c.kind} ${c.path} ${c.sentence}`)).toEqual(['changed $.onCreate Effects on create: the order of the effects changed']);
    expect(sentencesOf('promopartner/reconciliation.workflow.yaml', (w) => w.onCreate.pop())).toEqual(['Effects on create: a notify of template transaction-confirmation-email removed']);
  });

  it('says what changed of the override, the initial state and the input fields', () => {
    expect(sentencesOf(LEAD_STATUS, (w) => {
      w.override = { roles: ['admin', 'cp'], remarks: 'optional' };
      w.initial = 'in_discussion';
      w.input.followUpDate.format = 'date-time';
      w.input.channel = { type: 'string', enum: ['call', 'visit'] };
    })).toEqual([
      'Workflow lead-status: initial state new_lead → in_discussion',
      'Override now also allowed for role cp',
      'Override no longer allowed for role kam',
      'Override remarks now optional',
      'Input field channel added (one of call, visit)',
      'Input field followUpDate: format date → date-time',
    ]);
  });

  it('says the stages of a journey', () => {
    expect(sentencesOf('ekyc/journey.workflow.yaml', (w) => {
      w.states.ADDRESS_SUBMITTED.progress = 30;
      w.states.DONE = { label: 'Done', stage: 5, progress: 100, final: true };
      w.transitions[2].requiresStage = 2;
    })).toEqual([
      'State ADDRESS_SUBMITTED: progress 25 → 30 percent',
      'State DONE added (label Done, stage 5, progress 100%, final)',
      // The typed address leaves three states (PAN verified, an Aadhaar code out, the Aadhaar path closed).
      'Move AADHAAR_OTP_SENT → ADDRESS_SUBMITTED (submit_address): needs stage 3 → 2',
      'Move ADDRESS_MANUAL → ADDRESS_SUBMITTED (submit_address): needs stage 3 → 2',
      'Move PAN_SUBMITTED → ADDRESS_SUBMITTED (submit_address): needs stage 3 → 2',
    ]);
  });
});

describe('template changes', () => {
  it('says which texts changed without printing them', () => {
    expect(changesOf('promopartner/transaction-confirmation-email.template.yaml', (t) => {
      t.body = 'Thanks!';
      delete t.html;
      t.locale = 'hi';
    })).toEqual([
      { path: '$.body', kind: 'changed', sentence: 'Template transaction-confirmation-email: body changed', before: expect.stringContaining('Thank you'), after: 'Thanks!' },
      { path: '$.html', kind: 'removed', sentence: 'Template transaction-confirmation-email: HTML body removed', before: expect.stringContaining('<p>') },
      { path: '$.locale', kind: 'added', sentence: 'Template transaction-confirmation-email: locale set to hi', after: 'hi' },
    ]);
  });
});

describe('OTP policy changes', () => {
  it('says validity, lockout, resends, channels and mode in minutes and counts', () => {
    expect(sentencesOf('promopartner/login.otp.yaml', (o) => {
      o.validityMinutes = 5;
      o.lockout.failures = 3;
      o.resend = { max: 5, withinMinutes: 30 };
      o.channels = ['sms'];
      o.mode = 'random';
      delete o.fixedCode;
      o.maxAttempts = 3;
    })).toEqual([
      'OTP policy login: channel email removed',
      'OTP policy login: fixed code no longer set (was 123456)',
      'OTP policy login: wrong codes before a lockout 5 → 3',
      'OTP policy login: attempts per code set to 3',
      'OTP policy login: mode ${OTP_MODE:-fixed} → random',
      'OTP policy login: resends per window 3 → 5',
      'OTP policy login: resend window 15 → 30 minutes',
      'OTP policy login: validity 10 → 5 minutes',
    ]);
  });

  it('says a lockout added whole, and who may ask for a record code', () => {
    expect(sentencesOf('promopartner/customer-verification.otp.yaml', (o) => {
      o.roles = ['admin', 'kam'];
      o.record.when.value = 'scheduled';
    })).toEqual([
      'OTP policy customer-verification: record condition changed',
      'OTP policy customer-verification: role store may no longer ask for codes',
      'OTP policy customer-verification: role parent_store may no longer ask for codes',
      'OTP policy customer-verification: role kam may now ask for codes',
    ]);
    const withoutLockout = read('promopartner/login.otp.yaml');
    delete withoutLockout.lockout;
    expect(describeChanges(withoutLockout, read('promopartner/login.otp.yaml')).map((c) => c.sentence)).toEqual([
      'OTP policy login: lockout added (5 wrong codes within 10 minutes lock for 15 minutes)',
    ]);
  });
});

describe('entity changes', () => {
  it('says fields added, removed, required, their bounds and values, and unique keys', () => {
    expect(changesOf('solarium/lead.entity.yaml', (e) => {
      e.required.push('email');
      e.fields.city.maxLength = 120;
      e.fields.source.enum.push('events');
      delete e.fields.quotationId;
      e.fields.gst = { type: 'string', format: 'alphanumeric' };
      e.uniqueKeys[0].fields.push('city');
      e.uniqueKeys.push({ name: 'email', fields: ['email'] });
      e.filterable = e.filterable.filter((f: string) => f !== 'city');
    }).map((c) => `${c.kind} ${c.path} ${c.sentence}`)).toEqual([
      'changed $.fields.city.maxLength Entity lead: field city: maximum length 80 → 120',
      'added $.fields.gst Entity lead: field gst added (string, alphanumeric)',
      'removed $.fields.quotationId Entity lead: field quotationId removed',
      'added $.fields.source.enum[5] Entity lead: field source: value events now allowed',
      'added $.required[3] Entity lead: field email now required',
      'removed $.filterable[0] Entity lead: field city no longer filterable',
      'added $.uniqueKeys[0].fields[1] Entity lead: unique key phone: field city added',
      'added $.uniqueKeys[1] Entity lead: unique key email added (email)',
    ]);
  });
});

describe('app changes', () => {
  it('says which records a derived scope adds', () => {
    expect(sentencesOf('promopartner/app.yaml', (a) => {
      a.roles.kam.permissions.store = { read: true, scope: { field: 'storeId', actor: 'attributes.storeIds', orVia: { entity: 'store', field: 'parentStoreId' } } };
    })).toEqual(['Role kam now sees only store records whose storeId matches their storeIds or is the storeId of a store whose parentStoreId does']);
  });

  it('says what each role may now do, and may no longer do', () => {
    expect(sentencesOf('promopartner/app.yaml', (a) => {
      a.roles.kam.permissions.promotion.update = true;
      a.roles.store.permissions.transaction.update = ['invoiceNumber'];
      a.roles.parent_store.permissions.transaction.update = true;
      delete a.roles.store.permissions.store.scope;
      a.roles.kam.permissions.transaction = { read: true, scope: { field: 'storeId', actor: 'attributes.storeIds' } };
      a.roles.auditor = { label: 'Auditor', permissions: { promotion: { read: true } } };
      delete a.roles.admin.operations;
    })).toEqual([
      'Role admin may no longer manage the outbox',
      'Role auditor added (Auditor)',
      'Role auditor may now read promotion records',
      'Role kam may now update promotion records',
      'Role kam now sees only transaction records whose storeId matches their storeIds',
      'Role parent_store may now update every field of transaction records',
      'Role store now sees every store record it may read, not only those whose storeId matches their storeIds',
      'Role store may no longer update field pid of transaction records',
    ]);
  });

  it('says a role removed in one change, and routes and sign-in by what they are', () => {
    expect(changesOf('promopartner/app.yaml', (a) => {
      delete a.roles.parent_store;
      a.demoUsers.pop();
      a.routes.splice(3, 1);
      a.routes.push({ method: 'GET', path: '/v1/csv-jobs', operation: 'imports.status' });
      a.routes[0].summary = 'Ask for a code';
      a.auth.accessTokenMinutes = 30;
    }).map((c) => `${c.kind} ${c.path} ${c.sentence}`)).toEqual([
      'removed $.roles.parent_store Role parent_store removed',
      'changed $.auth.accessTokenMinutes App promopartner: access token lifetime 60 → 30 minutes',
      'removed $.demoUsers[3] App promopartner: demo user 9000000004 removed',
      'added $.routes[0].summary App promopartner: route POST /v1/auth/otp/request: summary set to Ask for a code',
      'added $.routes[38] App promopartner: route GET /v1/csv-jobs added (imports.status)',
      'removed $.routes[3] App promopartner: route POST /v1/auth/logout removed',
    ]);
  });
});

describe('ruleset, job and import changes', () => {
  it('says where a ruleset reads its fields and in which states it works', () => {
    expect(sentencesOf('promopartner/promotions.rules.yaml', (r) => {
      r.evaluatedIn.push('scheduled');
      r.fields.benefit = 'benefitJson';
      r.pricing.amounts.net = 'net';
      r.storeGroups.attributes.pop();
    })).toEqual([
      'Ruleset promotions: now evaluated in state scheduled',
      'Ruleset promotions: benefit read from field benefit → benefitJson',
      'Ruleset promotions: net amount field netAmount → net',
      'Ruleset promotions: store groups may no longer filter on parentStoreId',
    ]);
  });

  it('says a job’s schedule and steps', () => {
    expect(sentencesOf('promopartner/promotion-dates.job.yaml', (j) => {
      j.schedule = '0 1 * * *';
      j.timezone = 'Asia/Kolkata';
      j.steps[0].when.operator = 'onOrBefore';
      j.steps.push({ entity: 'promotion', event: 'archive' });
    })).toEqual([
      'Job promotion-dates: schedule 5 0 * * * → 0 1 * * *',
      'Job promotion-dates: step 1: condition changed',
      'Job promotion-dates: step 3 added (fire archive on promotion records)',
      'Job promotion-dates: time zone set to Asia/Kolkata',
    ]);
  });

  it('says an import’s columns, limits and roles', () => {
    expect(sentencesOf('promopartner/product.import.yaml', (i) => {
      i.columns.mrp.type = 'integer';
      i.columns.ean = 'ean';
      delete i.columns.gender;
      i.roles.push('kam');
      i.maxBytes = 1048576;
    })).toEqual([
      'Import product: column ean added (into field ean)',
      'Import product: column gender removed',
      'Import product: column mrp changed: into field mrp as number → into field mrp as integer',
      'Import product: size limit 52428800 → 1048576 bytes',
      'Import product: role kam may now run it',
    ]);
  });
});
