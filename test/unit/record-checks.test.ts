// Checks across a record's fields: conditions over `record`, checked at load with paths, each
// failing one refusing the write with its message at its path.
import { describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import { assertRecordChecks, compileChecks } from '../../engine/records/record-checks.ts';
import { isAppError } from '../../engine/errors/app-error.ts';
import { readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';
import path from 'node:path';

const PHASE = { when: { fact: 'record', path: '$.phase', operator: 'equal', value: 'single' }, assert: { fact: 'record', path: '$.kw', operator: 'lessThanInclusive', value: 7 }, path: '$.kw', message: 'Single phase: at most 7 kW', errorCode: 'PHASE_LIMIT' } as const;

describe('record checks', () => {
  it('refuses a record a check fails, with every failing check, and lets the others through', async () => {
    const checks = compileChecks([PHASE, { assert: { fact: 'record', path: '$.kw', operator: 'greaterThan', value: 0 }, path: '$.kw', message: 'Some capacity' }]);
    await expect(assertRecordChecks(checks, { phase: 'three', kw: 9 })).resolves.toBeUndefined();
    await expect(assertRecordChecks(checks, { phase: 'single', kw: 5 })).resolves.toBeUndefined();
    const err = await assertRecordChecks(checks, { phase: 'single', kw: 9 }).catch((e: unknown) => e);
    expect(isAppError(err) && { status: err.status, code: err.publicCode, details: err.details }).toEqual({ status: 400, code: 'PHASE_LIMIT', details: [{ path: '$.kw', message: 'Single phase: at most 7 kW' }] });
    // A record missing the field fails the check that needs it (a missing path reads as null).
    const none = await assertRecordChecks(checks, { phase: 'three' }).catch((e: unknown) => e);
    expect(isAppError(none) && none.details).toEqual([{ path: '$.kw', message: 'Some capacity' }]);
    const two = await assertRecordChecks(compileChecks([PHASE, { ...PHASE, when: undefined, path: '$.phase', message: 'Again', errorCode: undefined }]), { phase: 'single', kw: 8 }).catch((e: unknown) => e);
    expect(isAppError(two) && two.details).toEqual([{ path: '$.kw', message: 'Single phase: at most 7 kW' }, { path: '$.phase', message: 'Again' }]);
  });

  it("eKYC: nominees' shares add up to 100 on the move that takes them; a lead that took them earlier is not stuck", async () => {
    const { app } = compileAppFiles(readDefinitionFiles(path.resolve(import.meta.dirname, '../../definitions/ekyc')).files);
    const checks = app!.entities.get('lead')!.checks;
    const nominees = { nominees: [{ sharePercent: 60 }, { sharePercent: 30 }], nomineeSharesTotal: 90 };
    const refused = await assertRecordChecks(checks, { state: 'NOMINEES_ADDED', ...nominees }).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.publicCode).toBe('FE_NOMINEE_SHARES_INVALID');
    await expect(assertRecordChecks(checks, { state: 'SUBMITTED', ...nominees })).resolves.toBeUndefined();
    await expect(assertRecordChecks(checks, { state: 'NOMINEES_ADDED', nominees: [], nomineeSharesTotal: 0 })).resolves.toBeUndefined();
  });

  it('is checked at load: the path names a field, the conditions read only the record’s fields', () => {
    const problems = (checks: unknown[]) =>
      compileAppFiles([
        { file: 'q/app.yaml', content: { kind: 'app', id: 'q', name: 'Q', roles: { admin: { permissions: { quote: { read: true, create: true } } } } } },
        { file: 'q/quote.entity.yaml', content: { kind: 'entity', name: 'quote', fields: { phase: { type: 'string' }, kw: { type: 'number' } }, checks } },
      ]).problems.map((p) => `${p.path} ${p.message}`);
    expect(problems([PHASE])).toEqual([]);
    expect(problems([{ ...PHASE, path: '$.ghost' }])).toEqual(['$.checks[0].path "$.ghost" does not name a field of entity "quote"']);
    expect(problems([{ ...PHASE, assert: { fact: 'record', path: '$.nope', operator: 'equal', value: 1 } }])).toEqual([expect.stringMatching(/^\$\.checks\[0\]\.assert\.path .*"nope"/)]);
    expect(problems([{ ...PHASE, when: { fact: 'actor', path: '$.role', operator: 'equal', value: 'admin' } }]).length).toBe(1);
  });
});
