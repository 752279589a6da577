// A workflow's verification steps are checked at load: the review move exists, leaves the same
// state and is internal; an internal move is some step's review; a subject reads input or record.
// And document numbers are shown by their last four characters.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import { readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';
import { maskDocument, maskDocumentsIn } from '../../engine/support/mask-document.ts';
import { documentValues, inputAsKept } from '../../engine/records/masked-fields.ts';
import { planEffects } from '../../engine/effects/plan-effects.ts';
import { documentSubjectKeys } from '../../engine/verification/verification-step.ts';

const EKYC = path.resolve(import.meta.dirname, '../../definitions/ekyc');

/** The eKYC app with its journey workflow changed by `edit`: the problems its load reports. */
function problemsWith(edit: (wf: { transitions: Record<string, unknown>[] }) => void): string[] {
  const files = readDefinitionFiles(EKYC).files.map((f) => ({ ...f, content: structuredClone(f.content) }));
  const wf = files.find((f) => f.file.endsWith('journey.workflow.yaml'))!.content as { transitions: Record<string, unknown>[] };
  edit(wf);
  return compileAppFiles(files).problems.filter((p) => p.severity !== 'warning').map((p) => `${p.path} ${p.message}`);
}
const submitPan = (wf: { transitions: Record<string, unknown>[] }) => wf.transitions.find((t) => t.event === 'submit_pan') as { verify: Record<string, unknown> };
const review = (wf: { transitions: Record<string, unknown>[] }) => wf.transitions.find((t) => t.event === 'pan_to_review')!;

describe('verification steps at load', () => {
  it('accepts the shipped journey', () => {
    expect(problemsWith(() => undefined)).toEqual([]);
  });

  it('refuses a review move that does not exist, or is not internal, and an internal move no step names', () => {
    expect(problemsWith((wf) => void (submitPan(wf).verify.review = 'nowhere'))).toEqual(
      expect.arrayContaining([expect.stringContaining('No move "nowhere" leaves "MOBILE_VERIFIED"'), expect.stringContaining('No verification step names "pan_to_review"')]),
    );
    expect(problemsWith((wf) => void delete review(wf).internal)).toEqual([expect.stringContaining('Move "pan_to_review" must be internal: true')]);
  });

  it('refuses a move that spends a code and could wait for a retry (the retry would have no code)', () => {
    expect(problemsWith((wf) => void ((submitPan(wf) as unknown as Record<string, unknown>).otp = { policy: 'mobile-otp', field: 'otp' }))).toEqual([
      expect.stringContaining('A move that spends a code cannot wait for a retry'),
    ]);
  });

  it('refuses a subject value that is neither text nor one input or record path', () => {
    expect(problemsWith((wf) => void ((submitPan(wf).verify.subject as Record<string, string>).pan = '{{input.panNumber}}-{{actor.id}}'))).toEqual([
      expect.stringContaining('A subject value is text or one {{input.<field>}} / {{record.<field>}}'),
    ]);
  });

  it("lets only a verifying move's effects read {{verification.*}}", () => {
    expect(problemsWith((wf) => void ((wf.transitions.find((t) => t.event === 'submit_address')!.effects as unknown[]).push({ set: { city: '{{verification.registeredName}}' } })))).toEqual([
      expect.stringContaining('"{{verification.registeredName}}" must be a path under record, actor, input, remarks, now'),
    ]);
  });
});

describe('never-stored inputs (store: false) at load', () => {
  const withAadhaar = (wf: { input?: Record<string, unknown>; transitions: Record<string, unknown>[] }) => {
    wf.input = { ...wf.input, aadhaarNumber: { type: 'string', minLength: 12, maxLength: 12, store: false } };
  };
  it('refuses an effect that would copy or send one', () => {
    expect(problemsWith((wf) => {
      withAadhaar(wf);
      (wf.transitions.find((t) => t.event === 'submit_address')!.effects as unknown[]).push({ set: { city: '{{input.aadhaarNumber}}' } });
    })).toEqual([expect.stringContaining('input "aadhaarNumber" is never stored (store: false); only a verification\'s subject may read it')]);
  });

  it('lets a verification read one, but not wait for a retry with it', () => {
    const aadhaarSubject = (wf: { input?: Record<string, unknown>; transitions: Record<string, unknown>[] }) => {
      withAadhaar(wf);
      (submitPan(wf).verify.subject as Record<string, string>).aadhaar = '{{input.aadhaarNumber}}';
    };
    expect(problemsWith((wf) => {
      aadhaarSubject(wf);
      delete submitPan(wf).verify.pending;
    })).toEqual([]);
    expect(problemsWith(aadhaarSubject)).toEqual([expect.stringContaining('The subject reads "aadhaarNumber", which is never stored (store: false)')]);
  });
});

describe('document fields', () => {
  const fields = { pan: { type: 'string' as const, mask: true }, aadhaar: { type: 'string' as const, store: false }, name: { type: 'string' as const } };
  it('keeps a move input with documents masked and never-stored fields left out', () => {
    expect(inputAsKept(fields, { pan: 'ABCDE1234F', aadhaar: '123412341234', name: 'Asha' }, true)).toEqual({ pan: '******234F', name: 'Asha' });
    expect(inputAsKept(fields, { pan: 'ABCDE1234F', aadhaar: '123412341234', name: 'Asha' }, false)).toEqual({ pan: 'ABCDE1234F', name: 'Asha' });
    expect(documentValues(fields, { pan: 'ABCDE1234F', aadhaar: '123412341234', name: 'Asha' })).toEqual(['ABCDE1234F', '123412341234']);
  });

  it('masks them in every message a change plans, whatever its template or payload names', () => {
    const app = { id: 'a' } as never;
    const plan = planEffects(
      [{ emit: { event: 'PAN_SUBMITTED', topics: ['CRM'], payload: { pan: '{{record.pan}}', said: 'PAN {{input.pan}} received' } } }],
      { record: { id: 'r1', pan: 'ABCDE1234F' }, actor: {}, input: { pan: 'ABCDE1234F' }, now: '' },
      { app, recordId: 'r1', key: 'k', documents: ['ABCDE1234F'] },
    );
    expect(JSON.stringify(plan.outbox)).not.toContain('ABCDE1234F');
    expect(plan.outbox[0]!.payload).toMatchObject({ payload: { pan: '******234F', said: 'PAN ******234F received' } });
  });
});

describe('document numbers in a verification subject', () => {
  it('are the checks\' own keys and any key reading a field declared mask or store: false, whatever its name', () => {
    const input = { uid: { type: 'string' as const, store: false }, acct: { type: 'string' as const, mask: true }, name: { type: 'string' as const } };
    const record = { pan: { type: 'string' as const, mask: true }, fullName: { type: 'string' as const } };
    const keys = documentSubjectKeys({ number: '{{input.uid}}', account: '{{input.acct}}', owner: '{{input.name}}', id: '{{record.pan}}', name: '{{record.fullName}}', pan: 'ABCDE1234F' }, { input, record });
    expect([...keys].sort()).toEqual(['account', 'id', 'number', 'pan']);
  });

  it("include the checks' Aadhaar and the one-time code aadhaarKyc spends, but not its reference", () => {
    const keys = documentSubjectKeys({ aadhaar: '{{input.aadhaarNumber}}', reference: '{{record.aadhaarKycReference}}', otp: '{{input.otp}}' }, { input: {}, record: {} });
    expect([...keys].sort()).toEqual(['aadhaar', 'otp']);
  });
});

describe('document masking', () => {
  it('shows the last four characters only, wherever the number appears', () => {
    expect(maskDocument('ABCDE1234F')).toBe('******234F');
    expect(maskDocument('123')).toBe('***');
    expect(maskDocumentsIn({ pan: 'ABCDE1234F', said: ['PAN ABCDE1234F is valid'], n: 3 }, ['ABCDE1234F'])).toEqual({ pan: '******234F', said: ['PAN ******234F is valid'], n: 3 });
  });
});
