import type { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The formats a definition may name. Definitions use formats rather than regular expressions, so
 * an admin-authored schema can never bring a catastrophic-backtracking pattern into the server.
 */
export function addFieldFormats(ajv: Ajv): Ajv {
  (addFormats as unknown as (a: Ajv, f: string[]) => Ajv)(ajv, ['email', 'date', 'date-time', 'uuid', 'uri']);
  ajv.addFormat('phone', /^[0-9]{10}$/);
  ajv.addFormat('pincode', /^[1-9][0-9]{5}$/);
  // Indian mobile numbers: 10 digits, the first 6 to 9.
  ajv.addFormat('mobile-in', /^[6-9][0-9]{9}$/);
  ajv.addFormat('alphanumeric', /^[A-Za-z0-9]+$/);
  // A code that conditions may use as a path segment (a product group's code: $.LENS_PREMIUM.quantity).
  ajv.addFormat('code', /^[A-Za-z][A-Za-z0-9_]{0,39}$/);
  // Indian PAN: five letters, four digits, a letter.
  ajv.addFormat('pan', /^[A-Z]{5}[0-9]{4}[A-Z]$/);
  // Indian bank branch code: four letters, a zero, six letters or digits.
  ajv.addFormat('ifsc', /^[A-Z]{4}0[A-Z0-9]{6}$/);
  // A bank account number: 9 to 18 digits.
  ajv.addFormat('bank-account', /^[0-9]{9,18}$/);
  // An Aadhaar number: 12 digits, never starting with 0 or 1 (UIDAI issues none such).
  ajv.addFormat('aadhaar', /^[2-9][0-9]{11}$/);
  return ajv;
}
