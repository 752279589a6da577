// Simulation against the reference apps: a move answers what the transition service would decide
// and plan (never writing), a template renders, a ruleset explains promotions over a cart, an OTP
// policy reads as sentences. Refusals the app would give are answers; unknown names are errors.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSimulation, simulate } from '../../engine/lifecycle/simulate.ts';
import { loadAppDir } from '../../engine/registry/compile-app.ts';
import type { CompiledApp } from '../../engine/registry/compiled-app.ts';

const ROOT = path.resolve(import.meta.dirname, '../../definitions');
const NOW = new Date('2026-12-01T10:00:00Z');
const apps: Record<string, CompiledApp> = {};
beforeAll(() => {
  for (const name of ['solarium', 'ekyc', 'promopartner']) apps[name] = loadAppDir(path.join(ROOT, name)).app!;
});
const run = (app: string, body: unknown) => simulate(apps[app]!, parseSimulation(body), NOW);
const lead = (state: string, extra: Record<string, unknown> = {}) => ({ kind: 'move', entity: 'lead', record: { status: state }, ...extra });

describe('simulating a move', () => {
  it('answers an allowed move with its planned field changes, as the transition service plans them', async () => {
    const answer = await run('solarium', lead('new_lead', { role: 'cp', target: 'in_discussion', remarks: 'called', input: { followUpDate: '2026-12-05' } }));
    expect(answer).toMatchObject({
      kind: 'move',
      allowed: true,
      from: 'new_lead',
      to: 'in_discussion',
      event: 'in_discussion',
      override: false,
      why: 'Role "cp" may move lead records from "new_lead" to "in_discussion" (event "in_discussion").',
      effects: { fields: { remarks: 'called', nextFollowUpDate: '2026-12-05' }, outbox: [] },
    });
    // A CP's scope is about stored records: said, not guessed.
    expect(answer.kind === 'move' && answer.notChecked).toEqual([expect.stringContaining('scope')]);
  });

  it('answers a refused move with the catalog code, the message and why in a sentence', async () => {
    const answer = await run('solarium', lead('new_lead', { role: 'cp', target: 'won' }));
    expect(answer).toMatchObject({ allowed: false, code: 'INVALID_TRANSITION', message: 'Invalid status transition', details: [{ path: '$.target', message: '"won" is not allowed from "new_lead" for role "cp"' }] });
    expect(answer.kind === 'move' && answer.why).toBe('Invalid status transition. No move to "won" leaves "new_lead".');
    const other = await run('solarium', lead('quotation_shared', { role: 'customer', target: 'won' }));
    expect(other.kind === 'move' && other.why).toBe('Invalid status transition. The move quotation_shared → won is for "cp", "admin", "kam", not "customer".');
  });

  it('takes an admin override only with remarks, and says what an override runs', async () => {
    expect(await run('solarium', lead('new_lead', { role: 'admin', target: 'won', override: true }))).toMatchObject({ allowed: false, code: 'REMARKS_REQUIRED', why: 'Remarks are required for an override.' });
    const accepted = await run('solarium', lead('new_lead', { role: 'admin', target: 'won', override: true, remarks: 'signed' }));
    expect(accepted).toMatchObject({ allowed: true, to: 'won', override: true, effects: { fields: { remarks: 'signed' } } });
    expect(accepted.kind === 'move' && accepted.why).toMatch(/logged override by role "admin"/);
    // Without asking for one, a role that may override is told it could.
    const asked = await run('solarium', lead('new_lead', { role: 'kam', target: 'won' }));
    expect(asked.kind === 'move' && asked.why).toContain('Role "kam" could take it as an override (override: true, with remarks)');
  });

  it('applies the stage gate of a journey before the matrix, and the seed code of a field', async () => {
    const early = await run('ekyc', { kind: 'move', entity: 'lead', record: { state: 'MOBILE_VERIFIED' }, role: 'applicant', event: 'submit_address', input: { addressLine: '12 MG Road', pinCode: '411001' } });
    expect(early).toMatchObject({ allowed: false, code: 'STAGE_NOT_REACHED', why: 'This step needs stage 3; the record is at stage 2.' });
    const pan = await run('ekyc', { kind: 'move', entity: 'lead', record: { state: 'MOBILE_VERIFIED' }, role: 'applicant', event: 'submit_pan', input: { panNumber: 'ABC' } });
    expect(pan).toMatchObject({ allowed: false, code: 'VALIDATION_FAILED', publicCode: 'FE_PAN_INVALID', details: [{ path: '$.input.panNumber', message: 'Must be a valid pan' }] });
  });

  it('evaluates each guard of the state and says which holds', async () => {
    const soon = { kind: 'move', entity: 'promotion', record: { status: 'draft', startDate: '2026-12-10' }, role: 'admin', event: 'activate' };
    expect(await run('promopartner', soon)).toMatchObject({ allowed: true, to: 'scheduled', guards: [{ move: 'draft → scheduled', event: 'activate', result: true }] });
    const today = await run('promopartner', { ...soon, record: { status: 'draft', startDate: '2026-12-01' } });
    expect(today).toMatchObject({ allowed: true, to: 'active', guards: [{ move: 'draft → scheduled', result: false }] });
    // The cap counts stored records: named as not checked.
    expect(today.kind === 'move' && today.notChecked).toEqual(['How many promotion records are "active" already (at most 20 at once)']);
    // `now` moves the day the guards read.
    const later = await run('promopartner', { ...soon, now: '2026-12-20T00:00:00Z' });
    expect(later).toMatchObject({ to: 'active' });
  });

  it('plans the downstream events of a move with their payloads, and names the code the move needs without checking it', async () => {
    const answer = await run('ekyc', { kind: 'move', entity: 'lead', record: { id: 'L1', state: 'INITIATED' }, role: 'applicant', event: 'verify_mobile', input: { otp: '0000' } });
    expect(answer).toMatchObject({ allowed: true, to: 'MOBILE_VERIFIED', effects: { otp: { policy: 'mobile-otp', field: 'otp' } } });
    expect(answer.kind === 'move' && answer.effects!.outbox.map((m) => [m.channel, m.recipient, m.payload])).toEqual(
      ['CLEVERTAP', 'CDP', 'DATALAKE', 'ZOHO_CRM'].map((topic) => ['event', topic, { topic, type: 'MOBILE_VERIFIED', key: 'L1', payload: { leadId: 'L1' } }]),
    );
    expect(await run('ekyc', { kind: 'move', entity: 'lead', record: { state: 'INITIATED' }, role: 'applicant', event: 'verify_mobile' })).toMatchObject({ allowed: false, code: 'VALIDATION_FAILED', details: [{ path: '$.input.otp' }] });
  });

  it('refuses a role without the right to move records at all', async () => {
    // A key account manager reads promotions, never moves them.
    expect(await run('promopartner', { kind: 'move', entity: 'promotion', record: { status: 'draft' }, role: 'kam', event: 'archive' })).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
  });

  it('is refused at the field, not answered, when the request names what the app does not have', async () => {
    await expect(run('solarium', { kind: 'move', entity: 'nothing', role: 'cp', target: 'won' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '$.entity', message: 'Entity "nothing" is not defined in this app' }] });
    await expect(run('solarium', lead('new_lead', { role: 'cp', event: 'fly' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '$.event', message: 'Workflow "lead-status" has no event "fly"' }] });
    await expect(run('solarium', lead('new_lead', { role: 'boss', target: 'won' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '$.role' }] });
    await expect(run('solarium', lead('nowhere', { role: 'cp', target: 'won' }))).rejects.toMatchObject({ details: [{ path: '$.record.status' }] });
    await expect(run('solarium', lead('new_lead', { role: 'cp', target: 'won', event: 'won' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(() => parseSimulation({ kind: 'move', entity: 'lead', role: 'cp', target: 'won', colour: 'blue' })).toThrow(expect.objectContaining({ details: [{ path: '$.colour', message: 'Unknown property "colour" is not allowed' }] }));
  });
});

describe('simulating a template, a ruleset and an OTP policy', () => {
  it('renders a template, and refuses data it cannot render naming what is missing', async () => {
    expect(await run('ekyc', { kind: 'template', template: 'mobile-otp-sms', data: { otp: { code: '1234', validMinutes: 5 } } })).toEqual({ kind: 'template', template: 'mobile-otp-sms', channel: 'sms', text: 'Your OTP is 1234. It is valid for 5 minutes.' });
    await expect(run('ekyc', { kind: 'template', template: 'mobile-otp-sms', data: {} })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '$.data', message: expect.stringContaining('"code" not defined') }] });
    await expect(run('ekyc', { kind: 'template', template: 'nothing' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '$.template' }] });
  });

  it('explains promotions over a cart as the test console does, and ranks those that apply', async () => {
    const dates = { storeGroupCode: 'ALL', startDate: '2026-11-01', endDate: '2026-12-31' };
    const answer = await run('promopartner', {
      kind: 'rules',
      ruleset: 'promotions',
      today: '2026-12-01',
      cart: { items: [{ sku: 'LENS-1', quantity: 2, price: 1000, groups: ['LENSES'] }, { sku: 'FR-1', quantity: 1, price: 500 }], store: { key: 'S001', groups: ['ALL'], attributes: { city: 'Pune' } } },
      promotions: [
        { name: '10% off lenses', benefit: { type: 'percentOff', value: 10, productGroup: 'LENSES' }, ...dates },
        { name: 'Flat 300 from 2000', conditions: { fact: 'cart', path: '$.total', operator: 'greaterThanInclusive', value: 2000 }, benefit: { type: 'flatOff', value: 300 }, ...dates },
        { name: 'Delhi only', conditions: { fact: 'store', path: '$.city', operator: 'equal', value: 'Delhi' }, benefit: { type: 'flatOff', value: 300 }, ...dates },
        { name: 'Broken', conditions: { fact: 'cart', path: '$.colour', operator: 'equal', value: 1 }, benefit: { type: 'flatOff', value: 300 }, ...dates },
      ],
    });
    expect(answer.kind === 'rules' && answer.offers.map((o) => [o.name, o.savings])).toEqual([['Flat 300 from 2000', 300], ['10% off lenses', 200]]);
    const [, flat, delhi, broken] = answer.kind === 'rules' ? answer.promotions : [];
    expect(flat!.conditions.leaves).toEqual([{ condition: 'cart.total greaterThanInclusive 2000', factValue: 2500, result: true }]);
    expect(delhi).toMatchObject({ eligible: false, reasons: ['Its conditions are not met'], conditions: { leaves: [{ factValue: 'Pune', result: false }] } });
    expect(broken).toMatchObject({ eligible: false, reasons: [expect.stringContaining('$.conditions')] });
  });

  it('reads an OTP policy as sentences', async () => {
    const answer = await run('promopartner', { kind: 'otp', policy: 'login' });
    expect(answer.kind === 'otp' && answer.sentences).toEqual([
      'A code has 6 digits and is valid for 10 minutes.',
      'Development mode: the code is always 123456 (refused in production).',
      'It is sent by SMS (template "login-otp-sms") and email (template "login-otp-email").',
      'A code takes any number of wrong tries until it expires.',
      '5 wrong codes within 10 minutes lock the subject for 15 minutes (423).',
      'Within 15 minutes a subject gets the first code and at most 3 resends; the next is refused (429) until the oldest is 15 minutes old.',
    ]);
    expect(await run('ekyc', { kind: 'otp', policy: 'mobile-otp' })).toMatchObject({ text: expect.stringContaining('A code takes 5 wrong tries; then it is locked (423)') });
    await expect(run('ekyc', { kind: 'otp', policy: 'nothing' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '$.policy' }] });
  });
});
