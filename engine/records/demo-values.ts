// What a demo record's values may name besides plain data (written whole, as a string value).
/** "{{ref.NAME}}": the id of an earlier demo record given `ref: NAME`. */
export const DEMO_REF = /^\{\{\s*ref\.([a-z][a-z0-9_-]*)\s*\}\}$/;
/** "{{user.EMAIL}}": the id of a demo user. */
export const DEMO_USER = /^\{\{\s*user\.([^\s{}]+)\s*\}\}$/;
/** "{{today}}", "{{today+30}}": a date, days from the day of seeding. */
export const DEMO_TODAY = /^\{\{\s*today\s*(?:([+-])\s*(\d{1,4}))?\s*\}\}$/;
