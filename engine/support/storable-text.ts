// PostgreSQL refuses two things a JavaScript string may hold: NUL (in text and in jsonb) and a
// UTF-16 surrogate without its partner (it has no UTF-8 form). Client text holding either is
// refused where it enters, as the client's mistake, rather than failing the write as a 500.
const UNSTORABLE = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_TEXT_MESSAGE = 'Text may not contain NUL characters or unpaired surrogates';

export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);
