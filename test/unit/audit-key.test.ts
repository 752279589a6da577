import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacPads } from '../../engine/audit/audit-key.ts';

describe('audit key pads', () => {
  it('give the trigger the HMAC-SHA256 node:crypto computes, for keys shorter and longer than a block', () => {
    for (const length of [32, 48, 64, 65, 100]) {
      const key = Buffer.alloc(length, length);
      const pads = Buffer.from(hmacPads(key), 'hex');
      // What the chain trigger does: sha256(opad || sha256(ipad || m)).
      const inner = createHash('sha256').update(Buffer.concat([pads.subarray(0, 64), Buffer.from('["rulepath-audit/2",1]')])).digest();
      const sealed = createHash('sha256').update(Buffer.concat([pads.subarray(64), inner])).digest('hex');
      expect(sealed, `a key of ${length} bytes`).toBe(createHmac('sha256', key).update('["rulepath-audit/2",1]').digest('hex'));
    }
  });
});
