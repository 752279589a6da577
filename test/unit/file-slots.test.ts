import { describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';

const app = { kind: 'app', id: 'docs', name: 'Docs', roles: { clerk: { permissions: { claim: { read: true } } }, checker: { permissions: { claim: { read: true } } } } };
const entity = (files: unknown) => ({ kind: 'entity', name: 'claim', fields: { title: { type: 'string' } }, files });
const problemsOf = (files: unknown) => compileAppFiles([{ file: 'docs/app.yaml', content: app }, { file: 'docs/claim.entity.yaml', content: entity(files) }]).problems;

describe('attachment slots at load', () => {
  it('accepts a slot with types, a limit, review states and roles', () => {
    expect(problemsOf({ scans: { types: ['application/pdf', 'image/png'], maxBytes: 1000, maxActive: 3, review: { states: ['pending', 'ok'], reupload: ['pending'] }, roles: { upload: ['clerk'], review: ['checker'] } } })).toEqual([]);
  });

  it('refuses a type no file could be recognised as, an unknown re-upload status, unknown roles and review without reviewers', () => {
    expect(problemsOf({ scans: { types: ['text/plain', 'image/png'], maxBytes: 1000, review: { states: ['pending', 'ok'], reupload: ['waiting'] }, roles: { upload: ['clerk', 'boss'] } } })).toEqual([
      { file: 'docs/claim.entity.yaml', path: '$.files.scans.types[0]', message: '"text/plain" cannot be recognised from a file\'s bytes, so no upload could be accepted as it' },
      { file: 'docs/claim.entity.yaml', path: '$.files.scans.review.reupload[0]', message: '"waiting" is not one of the slot\'s review states' },
      { file: 'docs/claim.entity.yaml', path: '$.files.scans.roles.review', message: 'A slot with review states needs the roles that review' },
      { file: 'docs/claim.entity.yaml', path: '$.files.scans.roles.upload[1]', message: 'Role "boss" is not defined in this app' },
    ]);
  });

  it('refuses reviewers without review states', () => {
    expect(problemsOf({ a: { types: ['image/png'], maxBytes: 1000, roles: { upload: ['clerk'], review: ['checker'] } } })).toEqual([
      { file: 'docs/claim.entity.yaml', path: '$.files.a.roles.review', message: 'The slot has no review states to set' },
    ]);
  });

  it('refuses a size over the 100 MB cap and a slot without roles (by its schema)', () => {
    expect(problemsOf({ b: { types: ['image/png'], maxBytes: 200 * 1024 * 1024 } }).map((p) => p.path)).toEqual(['$.files.b.roles', '$.files.b.maxBytes']);
  });
});
