// Document numbers (a PAN, a bank account, an Aadhaar number) are shown by their last four
// characters wherever the engine keeps or says them outside the record itself: a move's input in
// the timeline, events and messages, verification evidence and its audit entry.

/** "ABCDE1234F" → "******234F"; four characters or fewer are masked whole. */
export function maskDocument(value: string): string {
  return value.length <= 4 ? '*'.repeat(value.length) : `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
}

/** A copy of `value` in which every string containing one of `documents` shows it masked. */
export function maskDocumentsIn(value: unknown, documents: readonly string[]): unknown {
  const secrets = documents.filter((d) => d.length > 0);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return secrets.reduce((s, d) => s.split(d).join(maskDocument(d)), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}
