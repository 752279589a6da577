// Daily spend of a backtest as an SVG bar chart: one bar per day (the discount the promotion would
// have given), a labelled axis, and a table of the same numbers for screen readers and for anyone
// who wants the figures. Drawn by hand: a chart library would cost more than this whole screen.
import { money } from './ruleset.ts';

interface Day {
  date: string;
  transactions: number;
  matched: number;
  discount: number;
}

const W = 760;
const H = 200;
const PAD = { left: 64, right: 12, top: 12, bottom: 28 };

/** A round step for the axis: 1, 2 or 5 times a power of ten, about 4 ticks. */
function niceMax(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  return { top: Math.ceil(max / step) * step, step };
}

export function SpendChart({ days }: { days: Day[] }) {
  const max = Math.max(0, ...days.map((d) => d.discount));
  const { top, step } = niceMax(max);
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const bw = iw / Math.max(1, days.length);
  const y = (v: number) => PAD.top + ih - (v / top) * ih;
  const ticks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) ticks.push(v);
  const labelEvery = Math.ceil(days.length / 8);
  const total = days.reduce((n, d) => n + d.discount, 0);
  return (
    <figure className="chart">
      <figcaption>
        Daily spend: the discount it would have given each day ({money(total)} in all)
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Bar chart of daily discount over ${days.length} days, at most ${money(max)} on one day`}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="chart-label">
              {money(v)}
            </text>
          </g>
        ))}
        {days.map((d, i) => {
          const h = (d.discount / top) * ih;
          return (
            <g key={d.date}>
              {d.discount > 0 ? (
                <rect x={PAD.left + i * bw + bw * 0.15} y={y(d.discount)} width={Math.max(1, bw * 0.7)} height={Math.max(1, h)} className="chart-bar">
                  <title>{`${d.date}: ${money(d.discount)} on ${d.matched} of ${d.transactions} transactions`}</title>
                </rect>
              ) : null}
              {i % labelEvery === 0 ? (
                <text x={PAD.left + i * bw + bw / 2} y={H - 8} textAnchor="middle" className="chart-label">
                  {d.date.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} className="chart-axis" />
      </svg>
      <details>
        <summary>The figures per day</summary>
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Transactions</th>
              <th scope="col">It applies to</th>
              <th scope="col">Discount</th>
            </tr>
          </thead>
          <tbody>
            {days.filter((d) => d.transactions).map((d) => (
              <tr key={d.date}>
                <td>{d.date}</td>
                <td>{d.transactions}</td>
                <td>{d.matched}</td>
                <td>{money(d.discount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
