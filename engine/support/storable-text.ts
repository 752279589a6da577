// PostgreSQL refuses two things a JavaScript string may hold: NUL (in text and in jsonb) and a
// UTF-16 surrogate without its partner (it has no UTF-8 form). Client text holding either is
// refused where it enters; text the server must keep whatever it holds (the audit log) has them
// replaced instead.
const UNSTORABLE = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export const UNSTORABLE_TEXT_MESSAGE = 'Text may not contain NUL characters or unpaired surrogates';

export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);

/** The text with each NUL and unpaired surrogate replaced by U+FFFD, as a UTF-8 decoder would. */
export const storableText = (s: string): string => s.replace(UNSTORABLE_ALL, '\ufffd');

/** A JSON-shaped value with every string and property name made storable; anything else as it is. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value; // a Date serialises itself
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableJson(v)]));
}
