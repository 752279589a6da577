import type { Change } from '../types.ts';

/** A plain-language diff: one sentence per change, marked added / removed / changed in words. */
export function Changes({ changes, empty = 'No changes.' }: { changes: Change[]; empty?: string }) {
  if (!changes.length) return <p className="muted">{empty}</p>;
  return (
    <ul className="changes">
      {changes.map((c, i) => (
        <li key={i} className={`change change-${c.kind}`}>
          <span className="change-kind">{c.kind === 'added' ? 'Added' : c.kind === 'removed' ? 'Removed' : 'Changed'}</span> {c.sentence}
        </li>
      ))}
    </ul>
  );
}
