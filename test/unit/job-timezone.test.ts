// A job definition's time zone is checked when the definitions load: a name the runtime does not
// know would make every run fail, so it is a definition problem instead.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAppFiles } from '../../engine/registry/compile-app.ts';
import { readDefinitionFiles } from '../../engine/registry/load-definition-files.ts';

const PROMOPARTNER = path.resolve(import.meta.dirname, '../../definitions/promopartner');
const JOB_FILE = 'promopartner/promotion-dates.job.yaml';

function problemsWithTimezone(timezone: unknown) {
  const { files } = readDefinitionFiles(PROMOPARTNER);
  const root = path.dirname(PROMOPARTNER);
  const changed = files.map((f) => (path.relative(root, f.file) === JOB_FILE ? { ...f, content: { ...(f.content as object), timezone } } : f));
  return compileAppFiles(changed, [], root).problems;
}

describe('job time zone', () => {
  it('accepts an IANA name, including UTC', () => {
    expect(problemsWithTimezone('Asia/Kolkata')).toEqual([]);
    expect(problemsWithTimezone('UTC')).toEqual([]);
    expect(problemsWithTimezone('America/Argentina/Buenos_Aires')).toEqual([]);
  });

  it('refuses a name the runtime does not know, with its path', () => {
    expect(problemsWithTimezone('Mars/Olympus_Mons')).toEqual([
      { file: JOB_FILE, path: '$.timezone', message: '"Mars/Olympus_Mons" is not a time zone this server knows: use an IANA name such as "Asia/Kolkata" or "UTC"' },
    ]);
  });

  it('refuses what is not a zone name at all (an offset, a number) by the schema', () => {
    expect(problemsWithTimezone('+05:30').map((p) => p.path)).toEqual(['$.timezone']);
    expect(problemsWithTimezone(5.5).map((p) => p.path)).toEqual(['$.timezone']);
  });
});
