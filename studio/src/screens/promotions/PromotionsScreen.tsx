// Promotions: the list (status, dates, store group, benefit), the conflict lint over what is live,
// and one promotion's editor (#/<app>/promotions/<id>, or /new). The ruleset definition says which
// entity holds the promotions and where each part of a rule sits; the API enforces every rule.
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../api.ts';
import { href } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Select } from '../../ui/Field.tsx';
import { Empty, Loading, Panel, ScreenHeader } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import type { ScreenProps } from '../screen-registry.ts';
import { LintWarnings } from './LintWarnings.tsx';
import { PromotionEditor } from './PromotionEditor.tsx';
import { describeBenefit, describeCondition } from './ruleset.ts';
import { useLifecycle } from './use-lifecycle.ts';
import { listAll, useRuleset, type Rec } from './use-ruleset.ts';
import './promotions.css';

export default function PromotionsScreen({ rest }: ScreenProps) {
  const rs = useRuleset();
  if (rs.error) return <ErrorBox {...rs.error} />;
  if (!rs.ruleset || !rs.master) return <Loading what="Loading promotions" />;
  return rest[0] ? <PromotionEditor key={rest[0]} id={rest[0] === 'new' ? null : rest[0]} rs={rs} /> : <PromotionList rs={rs} />;
}

function PromotionList({ rs }: { rs: ReturnType<typeof useRuleset> }) {
  const { api, base, app } = useStudio();
  const ruleset = rs.ruleset!;
  const f = ruleset.fields;
  const lifecycle = useLifecycle(ruleset.entity);
  const [rows, setRows] = useState<Rec[]>();
  const [state, setState] = useState('');
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const load = useCallback(async () => {
    try {
      setRows(await listAll(api, base, ruleset.entity, state ? `${lifecycle.field}=${encodeURIComponent(state)}` : ''));
    } catch (err) {
      setError(describeError(err));
    }
  }, [api, base, ruleset.entity, state, lifecycle.field]);
  useEffect(() => void load(), [load]);
  const canCreate = Boolean(rs.entity);
  const groupName = (code: unknown) => rs.master?.storeGroups.find((g) => g[ruleset.storeGroups.code] === code)?.name;
  return (
    <>
      <ScreenHeader
        title="Promotions"
        subtitle="Author a promotion as a draft, try it on past transactions and in the test console, then activate it."
        actions={canCreate ? <a className="btn btn-primary" href={href(app.id, 'promotions', 'new')}>New promotion</a> : null}
      />
      <LintWarnings ruleset={ruleset.name} title="Conflicts among the live promotions" />
      <Panel
        title={rows ? `${rows.length} promotion${rows.length === 1 ? '' : 's'}` : 'Promotions'}
        actions={<Select label="Status" value={state} onChange={(e) => setState(e.target.value)} options={[{ value: '', label: 'Any status' }, ...lifecycle.states.map((s) => ({ value: s.name, label: s.label }))]} />}
      >
        {error ? <ErrorBox {...error} /> : null}
        {!rows ? (
          <Loading what="Loading promotions" />
        ) : !rows.length ? (
          <Empty>No promotions{state ? ' in this status' : ''} yet.</Empty>
        ) : (
          <table className="table promo-table">
            <thead>
              <tr>
                <th scope="col">Promotion</th>
                <th scope="col">Status</th>
                <th scope="col">Dates</th>
                <th scope="col">Store group</th>
                <th scope="col">Benefit</th>
                <th scope="col">Priority</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={href(app.id, 'promotions', r.id)}>{String(r[f.name ?? 'name'] ?? r.id)}</a>
                    <div className="muted small">{describeCondition(r[f.conditions])}</div>
                  </td>
                  <td>{lifecycle.badge(r[lifecycle.field])}</td>
                  <td className="nowrap">
                    {String(r[f.startDate] ?? '—')} → {String(r[f.endDate] ?? '—')}
                  </td>
                  <td>
                    {r[f.storeGroup] ? <code>{String(r[f.storeGroup])}</code> : <span className="muted">—</span>} <span className="muted small">{String(groupName(r[f.storeGroup]) ?? '')}</span>
                  </td>
                  <td>{describeBenefit(r[f.benefit])}</td>
                  <td>
                    {f.priority ? String(r[f.priority] ?? 0) : '—'} {f.exclusive && r[f.exclusive] ? <Badge tone="info">Exclusive</Badge> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}
