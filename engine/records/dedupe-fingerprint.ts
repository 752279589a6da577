// What a windowed duplicate check (an entity's `dedupe` rule) keeps of a value: an HMAC, never the
// value itself (one signup per mobile number in 30 days stores no mobile number for it). The same
// fingerprint finds the record again for a caller who proves the value (records/resume-record-session.ts).
import { createHmac } from 'node:crypto';

export const dedupeFingerprint = (hashKey: Uint8Array, app: string, entity: string, rule: string, value: unknown): string =>
  createHmac('sha256', hashKey).update(`${app}:${entity}:${rule}:${String(value)}`).digest('hex');
