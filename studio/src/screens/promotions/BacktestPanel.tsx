// Backtest: what the promotion (as edited, even unsaved) would have done on the stored transactions
// of the last N days — totals, a chart of the daily spend, how it ranks against the live ones, and
// the transactions it touches (a page at a time). The engine replays; the Studio only draws.
import { useState } from 'react';
import { describeError, seg } from '../../api.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Select } from '../../ui/Field.tsx';
import { when } from '../../ui/format.ts';
import { Empty, Panel } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import { money } from './ruleset.ts';
import { SpendChart } from './SpendChart.tsx';

export interface BacktestTransaction {
  id: string;
  createdAt: string;
  date: string;
  storeId: string | null;
  total: number;
  applies: boolean;
  reason: 'dates' | 'store' | 'conditions' | 'no-savings' | null;
  savings: number;
  offered: { promotionId: string; name: string; savings: number }[];
  rank: number | null;
  best: boolean;
}
export interface Backtest {
  candidate: { id: string | null; name: string; state: string | null };
  window: { from: string; to: string; days: number };
  totals: { transactions: number; matched: number; gross: number; discount: number; notMatched: { dates: number; store: number; conditions: number; noSavings: number } };
  perDay: { date: string; transactions: number; matched: number; discount: number }[];
  ranking: { matched: number; best: number; outranked: number; hidden: number; alone: number; summary: string; displaced: { promotionId: string; name: string; transactions: number }[] };
  transactions: BacktestTransaction[];
  nextCursor: string | null;
}

const REASONS: Record<string, string> = { dates: 'outside its dates', store: 'store not in its group', conditions: 'conditions not met', 'no-savings': 'saves nothing' };

export function BacktestPanel({ ruleset, candidate }: { ruleset: string; candidate: { promotionId?: string; promotion?: Record<string, unknown> } }) {
  const { api, base } = useStudio();
  const [days, setDays] = useState('30');
  const [result, setResult] = useState<Backtest>();
  const [rows, setRows] = useState<BacktestTransaction[]>([]);
  const [onlyMatched, setOnlyMatched] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof describeError>>();

  const run = async (cursor?: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<Backtest>(`${base}/rules/${seg(ruleset)}/backtest`, { ...candidate, days: Number(days), limit: 200, ...(cursor ? { cursor } : {}) });
      setResult(r);
      setRows((old) => (cursor ? [...old, ...r.transactions] : r.transactions));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const shown = onlyMatched ? rows.filter((t) => t.applies) : rows;
  return (
    <Panel
      title="Backtest on past transactions"
      actions={
        <>
          <Select label="Window" value={days} onChange={(e) => setDays(e.target.value)} options={[7, 14, 30, 60, 90].map((d) => ({ value: String(d), label: `Last ${d} days` }))} />
          <Button variant="primary" busy={busy} onClick={() => void run()}>
            Run backtest
          </Button>
        </>
      }
    >
      {error ? <ErrorBox {...error} /> : null}
      {!result ? (
        <Empty>Replays the promotion as it stands in this form on the transactions of the window, and ranks it against the promotions live now.</Empty>
      ) : (
        <div className="backtest" aria-live="polite">
          <dl className="stats">
            <div>
              <dt>Transactions</dt>
              <dd>{result.totals.transactions}</dd>
            </div>
            <div>
              <dt>It would apply to</dt>
              <dd>{result.totals.matched}</dd>
            </div>
            <div>
              <dt>Their carts</dt>
              <dd>{money(result.totals.gross)}</dd>
            </div>
            <div>
              <dt>Discount it would give</dt>
              <dd>{money(result.totals.discount)}</dd>
            </div>
            <div>
              <dt>Ranked first on</dt>
              <dd>{result.ranking.best}</dd>
            </div>
          </dl>
          <p className="muted">
            {result.window.from} to {result.window.to} ({result.window.days} days). {result.ranking.summary} Not applied: {result.totals.notMatched.dates} outside its dates, {result.totals.notMatched.store} at other stores, {result.totals.notMatched.conditions} failing its conditions, {result.totals.notMatched.noSavings} saving nothing.
          </p>
          <SpendChart days={result.perDay} />
          {result.ranking.displaced.length ? (
            <p>
              Would take first place from:{' '}
              {result.ranking.displaced.map((d, i) => (
                <span key={d.promotionId}>
                  {i ? ', ' : ''}
                  {d.name} ({d.transactions}×)
                </span>
              ))}
            </p>
          ) : null}
          <div className="row between">
            <h3 id="bt-list">Transactions</h3>
            <label className="check">
              <input type="checkbox" checked={onlyMatched} onChange={(e) => setOnlyMatched(e.target.checked)} /> Only those it applies to
            </label>
          </div>
          {!shown.length ? (
            <Empty>{onlyMatched ? 'It applies to none of these transactions.' : 'No transactions in the window.'}</Empty>
          ) : (
            <table className="table" aria-labelledby="bt-list">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Store</th>
                  <th scope="col">Cart</th>
                  <th scope="col">Applies</th>
                  <th scope="col">Savings</th>
                  <th scope="col">Against the live ones</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((t) => (
                  <tr key={t.id}>
                    <td className="nowrap">{when(t.createdAt)}</td>
                    <td>{t.storeId ?? '—'}</td>
                    <td>{money(t.total)}</td>
                    <td>{t.applies ? <Badge tone="good">Applies</Badge> : <Badge>No: {REASONS[t.reason ?? ''] ?? t.reason}</Badge>}</td>
                    <td>{t.applies ? money(t.savings) : '—'}</td>
                    <td>
                      {!t.applies ? null : t.rank === null ? (
                        <Badge tone="warn">Hidden by an exclusive one</Badge>
                      ) : t.best ? (
                        <Badge tone="good">Best offer</Badge>
                      ) : (
                        <span>
                          Rank {t.rank}
                          <span className="muted"> behind {t.offered[0]?.name}</span>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.nextCursor ? (
            <Button busy={busy} onClick={() => void run(result.nextCursor!)}>
              Load more transactions
            </Button>
          ) : null}
        </div>
      )}
    </Panel>
  );
}
