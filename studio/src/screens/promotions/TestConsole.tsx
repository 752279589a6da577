// The test console: try a cart before anything runs. Either a store group and selections (a lens,
// a frame: product attributes, each becoming the first matching product) — every promotion that is
// not over is explained: eligible or not and why, each condition's result and the fact it read — or
// a store and SKUs, answered exactly as the live evaluation answers a store.
import { useMemo, useState, type FormEvent } from 'react';
import { describeError, seg } from '../../api.ts';
import { href } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Segmented } from '../../ui/Segmented.tsx';
import { Select, TextInput } from '../../ui/Field.tsx';
import { Empty, Panel } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import { describeBenefit, money } from './ruleset.ts';
import { useLifecycle } from './use-lifecycle.ts';
import type { useRuleset } from './use-ruleset.ts';

interface ConsoleResult {
  promotionId: string;
  name: string;
  status: string;
  eligible: boolean;
  reasons: string[];
  storeGroup: { code: string; matches: boolean; covers: number };
  conditions: { result: boolean; leaves: { condition: string; factValue: unknown; result: boolean }[] };
  savings: number;
}
interface ConsoleEvaluation {
  storeGroup: string;
  store: string | null;
  date: string;
  cart: { total: number; items: { sku: string; quantity: number; price: number }[] };
  promotions: ConsoleResult[];
}
interface Evaluation {
  storeId: string;
  date: string;
  cart: { total: number; quantity: number; items: { sku: string; quantity: number; price: number }[] };
  promotions: { promotionId: string; name: string; priority: number; exclusive: boolean; benefit: unknown; appliesTo: number; savings: number }[];
}

export function TestConsole({ rs, highlight }: { rs: ReturnType<typeof useRuleset>; highlight?: string }) {
  const [mode, setMode] = useState<'console' | 'cart'>('console');
  return (
    <Panel
      title="Test console"
      actions={
        <Segmented label="Try with" value={mode} onChange={setMode} options={[{ value: 'console', label: 'Store group and selections' }, { value: 'cart', label: 'Store and cart' }]} />
      }
    >
      {mode === 'console' ? <SelectionsConsole rs={rs} highlight={highlight} /> : <CartConsole rs={rs} highlight={highlight} />}
    </Panel>
  );
}

function SelectionsConsole({ rs, highlight }: { rs: ReturnType<typeof useRuleset>; highlight?: string }) {
  const { api, base, app } = useStudio();
  const ruleset = rs.ruleset!;
  const master = rs.master!;
  const selections = ruleset.console?.selections ?? {};
  const lifecycle = useLifecycle(ruleset.entity);
  const [storeGroup, setStoreGroup] = useState(String(master.storeGroups[0]?.[ruleset.storeGroups.code] ?? ''));
  const [picked, setPicked] = useState<Record<string, Record<string, string>>>({});
  const [result, setResult] = useState<ConsoleEvaluation>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const [busy, setBusy] = useState(false);

  // Per selection, the attributes worth asking and the values the products have: the choices only.
  const attributes = useMemo(() => {
    const out: Record<string, { name: string; values: string[] }[]> = {};
    for (const [sel, fixed] of Object.entries(selections)) {
      const matching = master.products.filter((p) => Object.entries(fixed).every(([k, v]) => p[k] === v));
      out[sel] = ruleset.productGroups.attributes
        .filter((a) => !(a in fixed))
        .map((a) => ({ name: a, values: [...new Set(matching.map((p) => p[a]).filter((v) => v !== undefined && v !== null).map(String))].sort() }))
        .filter((a) => a.values.length > 0);
    }
    return out;
  }, [selections, master.products, ruleset.productGroups.attributes]);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      // Values go back typed as the products hold them (lensIndex 1.6, active true).
      const typed = (sel: string, attr: string, v: string) => master.products.find((p) => String(p[attr]) === v && Object.entries(selections[sel] ?? {}).every(([k, x]) => p[k] === x))?.[attr] ?? v;
      const body: Record<string, Record<string, unknown>> = {};
      for (const [sel, attrs] of Object.entries(picked)) {
        const chosen = Object.entries(attrs).filter(([, v]) => v !== '');
        if (chosen.length || attrs.__include === 'yes') body[sel] = Object.fromEntries(chosen.filter(([k]) => k !== '__include').map(([k, v]) => [k, typed(sel, k, v)]));
      }
      setResult(await api.post<ConsoleEvaluation>(`${base}/rules/${seg(ruleset.name)}/evaluate`, { storeGroup, selections: body }));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form onSubmit={run} className="console-form">
        <Select label="Store group" value={storeGroup} onChange={(e) => setStoreGroup(e.target.value)} options={master.storeGroups.map((g) => ({ value: String(g[ruleset.storeGroups.code]), label: `${String(g[ruleset.storeGroups.code])} — ${String(g.name ?? '')}` }))} />
        {Object.keys(selections).map((sel) => (
          <fieldset key={sel} className="selection">
            <legend>{sel[0]!.toUpperCase() + sel.slice(1)}</legend>
            <label className="check">
              <input type="checkbox" checked={picked[sel]?.__include === 'yes' || Object.entries(picked[sel] ?? {}).some(([k, v]) => k !== '__include' && v)} onChange={(e) => setPicked({ ...picked, [sel]: e.target.checked ? { ...(picked[sel] ?? {}), __include: 'yes' } : {} })} /> In the cart
            </label>
            <div className="inline-fields">
              {(attributes[sel] ?? []).map((a) => (
                <Select
                  key={a.name}
                  label={`${sel[0]!.toUpperCase()}${sel.slice(1)} ${rs.productEntity?.fields[a.name]?.label ?? a.name}`}
                  value={picked[sel]?.[a.name] ?? ''}
                  onChange={(e) => setPicked({ ...picked, [sel]: { ...(picked[sel] ?? {}), [a.name]: e.target.value } })}
                  options={[{ value: '', label: 'Any' }, ...a.values.map((v) => ({ value: v, label: v }))]}
                />
              ))}
            </div>
          </fieldset>
        ))}
        <Button type="submit" variant="primary" busy={busy}>
          Evaluate
        </Button>
      </form>
      {error ? <ErrorBox {...error} /> : null}
      {result ? (
        <div className="console-result" aria-live="polite">
          <p className="muted">
            Store {result.store ?? '—'} stands for {result.storeGroup} on {result.date}. Cart: {result.cart.items.map((i) => `${i.quantity} × ${i.sku} at ${money(i.price)}`).join(', ') || 'empty'} — {money(result.cart.total)}.
          </p>
          {!result.promotions.length ? <Empty>No promotion to judge.</Empty> : null}
          <ol className="console-list">
            {result.promotions.map((p) => (
              <li key={p.promotionId} className={p.promotionId === highlight ? 'console-this' : undefined}>
                <div className="row">
                  <a href={href(app.id, 'promotions', p.promotionId)}>
                    <strong>{p.name}</strong>
                  </a>
                  {p.promotionId === highlight ? <Badge tone="info">This promotion</Badge> : null}
                  {lifecycle.badge(p.status)}
                  {p.eligible ? <Badge tone="good">Applies</Badge> : <Badge tone="bad">Does not apply</Badge>}
                  <span className="spacer" />
                  <span>Saves {money(p.savings)}</span>
                </div>
                {p.reasons.length ? (
                  <ul className="reasons">
                    {p.reasons.map((r, i) => (
                      <li key={i}>{r}</li>
                    ))}
                  </ul>
                ) : null}
                <p className="small">
                  Store group <code>{p.storeGroup.code}</code>: {p.storeGroup.matches ? 'holds the store' : 'does not hold the store'} ({p.storeGroup.covers} store{p.storeGroup.covers === 1 ? '' : 's'}).
                </p>
                {p.conditions.leaves.length ? (
                  <table className="table compact" aria-label={`Conditions of ${p.name}`}>
                    <thead>
                      <tr>
                        <th scope="col">Condition</th>
                        <th scope="col">Value read</th>
                        <th scope="col">Result</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.conditions.leaves.map((l, i) => (
                        <tr key={i}>
                          <td>
                            <code>{l.condition}</code>
                          </td>
                          <td>
                            <code>{JSON.stringify(l.factValue) ?? '—'}</code>
                          </td>
                          <td>{l.result ? <Badge tone="good">✓ holds</Badge> : <Badge tone="bad">✗ fails</Badge>}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p className="small muted">No condition: {p.conditions.result ? 'every cart qualifies' : 'fails'}.</p>
                )}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </>
  );
}

function CartConsole({ rs, highlight }: { rs: ReturnType<typeof useRuleset>; highlight?: string }) {
  const { api, base, app } = useStudio();
  const ruleset = rs.ruleset!;
  const master = rs.master!;
  const key = ruleset.stores.key;
  const sku = ruleset.products.key;
  const [storeId, setStoreId] = useState(String(master.stores[0]?.[key] ?? ''));
  const [items, setItems] = useState<{ sku: string; quantity: string }[]>([{ sku: String(master.products[0]?.[sku] ?? ''), quantity: '1' }]);
  const [result, setResult] = useState<Evaluation>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const [busy, setBusy] = useState(false);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.post<Evaluation>(`${base}/rules/${seg(ruleset.name)}/evaluate`, { storeId, items: items.filter((i) => i.sku).map((i) => ({ sku: i.sku, quantity: Number(i.quantity) || 1 })) }));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const productOptions = master.products.map((p) => ({ value: String(p[sku]), label: `${String(p[sku])} — ${String(p.name ?? '')}` }));
  return (
    <>
      <form onSubmit={run} className="console-form">
        <Select label="Store" value={storeId} onChange={(e) => setStoreId(e.target.value)} options={master.stores.map((s) => ({ value: String(s[key]), label: `${String(s[key])} — ${String(s.name ?? '')}` }))} />
        <fieldset className="selection">
          <legend>Cart</legend>
          {items.map((it, i) => (
            <div className="inline-fields" key={i}>
              <Select label={`Item ${i + 1}`} value={it.sku} options={productOptions} onChange={(e) => setItems(items.map((x, j) => (j === i ? { ...x, sku: e.target.value } : x)))} />
              <TextInput label={`Quantity of item ${i + 1}`} type="number" min={1} value={it.quantity} onChange={(e) => setItems(items.map((x, j) => (j === i ? { ...x, quantity: e.target.value } : x)))} />
              {items.length > 1 ? <Button variant="ghost" onClick={() => setItems(items.filter((_, j) => j !== i))} aria-label={`Remove item ${i + 1}`}>Remove</Button> : null}
            </div>
          ))}
          <Button onClick={() => setItems([...items, { sku: String(master.products[0]?.[sku] ?? ''), quantity: '1' }])}>Add an item</Button>
        </fieldset>
        <Button type="submit" variant="primary" busy={busy}>
          Evaluate cart
        </Button>
      </form>
      {error ? <ErrorBox {...error} /> : null}
      {result ? (
        <div className="console-result" aria-live="polite">
          <p className="muted">
            At {result.storeId} on {result.date}: {result.cart.quantity} unit{result.cart.quantity === 1 ? '' : 's'}, {money(result.cart.total)}. Live promotions that apply, best first:
          </p>
          {!result.promotions.length ? (
            <Empty>No live promotion applies to this cart at this store.</Empty>
          ) : (
            <table className="table" aria-label="Offers">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Promotion</th>
                  <th scope="col">Benefit</th>
                  <th scope="col">Savings</th>
                </tr>
              </thead>
              <tbody>
                {result.promotions.map((p, i) => (
                  <tr key={p.promotionId} className={p.promotionId === highlight ? 'console-this' : undefined}>
                    <td>{i + 1}</td>
                    <td>
                      <a href={href(app.id, 'promotions', p.promotionId)}>{p.name}</a> {p.promotionId === highlight ? <Badge tone="info">This promotion</Badge> : null} {p.exclusive ? <Badge tone="info">Exclusive</Badge> : null}
                    </td>
                    <td>{describeBenefit(p.benefit)}</td>
                    <td>{money(p.savings)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ) : null}
    </>
  );
}
