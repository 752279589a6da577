// How alike two people's names are, 0-100, the way Indian KYC name matching treats them: case,
// punctuation, honorifics and word order do not count, and an initial matches the word it stands
// for ("A. K. Sharma" and "Sharma Anil Kumar"). Shared by the providers that match names locally
// (the development fixtures; vendors answer with their own scores).
// (Not "Kumari": as often a middle name as a title.)
const HONORIFICS = new Set(['MR', 'MRS', 'MS', 'MISS', 'DR', 'SHRI', 'SMT']);

const words = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents: "Á" is "A"
    .toUpperCase()
    .replace(/[^A-Z\s]/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !HONORIFICS.has(w));

/** Words of `a` matched in `b` (an initial matches a word it begins), as a share of the longer name. */
export function nameMatchScore(a: string, b: string): number {
  const left = words(a);
  const right = words(b);
  if (!left.length || !right.length) return 0;
  const pool = [...right];
  let matched = 0;
  for (const w of left) {
    const i = pool.findIndex((p) => p === w || (w.length === 1 && p.startsWith(w)) || (p.length === 1 && w.startsWith(p)));
    if (i >= 0) {
      matched++;
      pool.splice(i, 1);
    }
  }
  return Math.round((100 * matched) / Math.max(left.length, right.length));
}
