// Cashfree's verification_id takes at most 50 characters of letters, digits, `-`, `.` and `_`,
// while a Rulepath reference may be longer or hold others. The id must be the same on every retry
// of one verification and differ between verifications, so it is derived, never random: a
// reference that already fits travels unchanged (it can be found in Cashfree's dashboard as is);
// any other keeps a readable, sanitised head and a hash of the whole reference, so two references
// that sanitise or truncate alike still get different ids.
import { createHash } from 'node:crypto';

const FITS = /^[A-Za-z0-9._-]{1,50}$/;
const HASH_LENGTH = 12;
const MAX = 50;

export function cashfreeVerificationId(reference: string): string {
  if (FITS.test(reference)) return reference;
  const hash = createHash('sha256').update(reference).digest('hex').slice(0, HASH_LENGTH);
  const head = reference.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX - HASH_LENGTH - 1);
  return head ? `${head}-${hash}` : hash;
}
