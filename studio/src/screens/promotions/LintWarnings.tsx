// The conflict lint as warnings: over the live promotions, and with a candidate when one is given
// (a stored promotion, or the rule fields being edited). The engine proves each warning; the
// Studio only shows them, linked to the promotions they name.
import { useEffect, useState } from 'react';
import { ApiError, describeError, seg } from '../../api.ts';
import { href } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Loading, Panel } from '../../ui/Panel.tsx';

interface LintWarning {
  code: string;
  message: string;
  promotions: { id: string | null; name: string }[];
}
interface Lint {
  date: string;
  promotions: number;
  warnings: LintWarning[];
}

const WORDS: Record<string, string> = {
  EXCLUSIVE_OVERLAP: 'Exclusive overlap',
  UNREACHABLE: 'Never offered',
  UNSATISFIABLE_CONDITION: 'Condition never holds',
  EMPTY_STORE_GROUP: 'No stores',
  ENDED: 'Ended',
  ENDS_TODAY: 'Ends today',
};

export function LintWarnings({ ruleset, candidate, title, refreshKey }: { ruleset: string; candidate?: { promotionId?: string; promotion?: Record<string, unknown> }; title: string; refreshKey?: unknown }) {
  const { api, base, app } = useStudio();
  const [lint, setLint] = useState<Lint>();
  const [problem, setProblem] = useState<string>();
  const body = JSON.stringify(candidate ?? {});
  useEffect(() => {
    let stale = false;
    const t = setTimeout(() => {
      api.post<Lint>(`${base}/rules/${seg(ruleset)}/lint`, JSON.parse(body)).then(
        (l) => !stale && (setLint(l), setProblem(undefined)),
        (err: unknown) => {
          if (stale) return;
          setLint(undefined);
          // A candidate that is not complete yet cannot be linted: say so quietly, it is no error.
          if (err instanceof ApiError && (err.status === 422 || err.status === 400)) setProblem('Complete the promotion (benefit, store group, dates) to check it against the live ones.');
          else if (err instanceof ApiError && err.status === 403) setProblem('Your role may not run the conflict check.');
          else setProblem(describeError(err).message);
        },
      );
    }, 300);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [api, base, ruleset, body, refreshKey]);
  const n = lint?.warnings.length ?? 0;
  return (
    <Panel title={title} actions={lint ? <Badge tone={n ? 'warn' : 'good'}>{n ? `${n} warning${n === 1 ? '' : 's'}` : 'No conflicts'}</Badge> : null} className="lint">
      <div aria-live="polite">
        {!lint && !problem ? <Loading what="Checking for conflicts" /> : null}
        {problem ? <p className="muted">{problem}</p> : null}
        {lint && !n ? <p className="ok-line">✓ No conflicts among {lint.promotions} promotion{lint.promotions === 1 ? '' : 's'} checked on {lint.date}.</p> : null}
        {lint && n ? (
          <ul className="lint-list" aria-label="Conflict warnings">
            {lint.warnings.map((w, i) => (
              <li key={i}>
                <strong className="lint-code">Warning — {WORDS[w.code] ?? w.code}:</strong> {w.message}
                {w.promotions.length ? (
                  <span className="muted">
                    {' '}
                    (
                    {w.promotions.map((p, j) => (
                      <span key={j}>
                        {j ? ', ' : ''}
                        {p.id ? <a href={href(app.id, 'promotions', p.id)}>{p.name}</a> : <em>{p.name} (this draft)</em>}
                      </span>
                    ))}
                    )
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </Panel>
  );
}
