import type { DefinitionProblem } from '../types.ts';
import type { ErrorDetail } from '../api.ts';

/** Definition problems (file, JSON path, sentence); errors first, warnings marked as such. */
export function Problems({ problems, empty = 'No problems.' }: { problems: DefinitionProblem[]; empty?: string }) {
  if (!problems.length) return <p className="ok-line">✓ {empty}</p>;
  const sorted = [...problems].sort((a, b) => Number(a.severity === 'warning') - Number(b.severity === 'warning'));
  return (
    <ul className="problems" aria-label="Problems">
      {sorted.map((p, i) => (
        <li key={i} className={p.severity === 'warning' ? 'problem-warning' : 'problem-error'}>
          <strong>{p.severity === 'warning' ? 'Warning' : 'Error'}:</strong> {p.message}{' '}
          <span className="muted">
            ({p.file} {p.path})
          </span>
        </li>
      ))}
    </ul>
  );
}

/** An API error with its details. */
export function ErrorBox({ message, details = [] }: { message: string; details?: ErrorDetail[] }) {
  return (
    <div className="error-box" role="alert">
      <strong>{message}</strong>
      {details.length ? (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              {d.message} <span className="muted">({d.path})</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
