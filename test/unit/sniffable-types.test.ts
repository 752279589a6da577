// The load-time check of attachment slots reads file-type's list of recognisable types from a copy
// (engine/files/sniffable-types.ts: file-type is not loaded by a start); the copy is file-type's own.
import { supportedMimeTypes } from 'file-type';
import { describe, expect, it } from 'vitest';
import { SNIFFABLE_TYPES } from '../../engine/files/sniffable-types.ts';

describe('sniffable types', () => {
  it("are exactly the types the installed file-type recognises (if not: paste the list printed here into sniffable-types.ts)", () => {
    const installed = [...supportedMimeTypes].sort();
    if (JSON.stringify([...SNIFFABLE_TYPES].sort()) !== JSON.stringify(installed)) console.log(installed.map((t) => `  '${t}',`).join('\n'));
    expect([...SNIFFABLE_TYPES].sort()).toEqual(installed);
  });
});
