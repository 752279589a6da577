// How a document prints a value. Deterministic (the same value prints the same everywhere: a
// re-render is byte-identical) and in Indian digit grouping (1,23,456.00). Money is "Rs": the
// standard PDF fonts (Helvetica, WinAnsi) have no "₹" glyph, and embedding a font for one sign
// would put a font file in every PDF.
import type { DocumentFormat } from './document-def.ts';

// Made by the first document printed: the first Intl.NumberFormat loads ICU's locale data (~10 ms
// of every start otherwise).
let formats: { money: Intl.NumberFormat; integer: Intl.NumberFormat; number: Intl.NumberFormat; percent: Intl.NumberFormat } | undefined;
const numberFormats = () =>
  (formats ??= {
    money: new Intl.NumberFormat('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    integer: new Intl.NumberFormat('en-IN', { minimumFractionDigits: 0, maximumFractionDigits: 0 }),
    number: new Intl.NumberFormat('en-IN', { maximumFractionDigits: 3 }),
    percent: new Intl.NumberFormat('en-IN', { maximumFractionDigits: 2 }),
  });
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** What is printed for a value that is absent (an optional field not filled). */
export const ABSENT = '-';

function asDate(value: unknown): Date | undefined {
  const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/** Dates print in UTC, whatever the server's zone: "30 Nov 2026", "30 Nov 2026 08:25 UTC". */
export function formatValue(value: unknown, format: DocumentFormat = 'text'): string {
  if (value === undefined || value === null || value === '') return ABSENT;
  const n = typeof value === 'number' ? value : Number.NaN;
  switch (format) {
    case 'money':
      return Number.isFinite(n) ? `Rs ${numberFormats().money.format(n)}` : String(value);
    case 'integer':
      return Number.isFinite(n) ? numberFormats().integer.format(n) : String(value);
    case 'number':
      return Number.isFinite(n) ? numberFormats().number.format(n) : String(value);
    case 'percent':
      // A fraction: 0.089 prints "8.9%".
      return Number.isFinite(n) ? `${numberFormats().percent.format(n * 100)}%` : String(value);
    case 'date':
    case 'datetime': {
      const d = asDate(value);
      if (!d) return String(value);
      const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
      if (format === 'date') return day;
      const hm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
      return `${day} ${hm} UTC`;
    }
    default:
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
  }
}
