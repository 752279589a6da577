// Groups and master data: store and product groups with their filter (in words and as written) and
// the members they resolve to right now — resolved by the server exactly as evaluation does — and
// the stores and products themselves, searchable and paged through the records API.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { describeError, seg } from '../../api.ts';
import { href, navigate } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Select, TextInput } from '../../ui/Field.tsx';
import { Empty, Loading, Panel, ScreenHeader } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import type { ScreenProps } from '../screen-registry.ts';
import { describeCondition, type EntityDef, type GroupSource, type RulesetDef } from '../promotions/ruleset.ts';
import { listAll, type Rec } from '../promotions/use-ruleset.ts';
import './groups.css';

interface GroupMembers {
  code: string;
  members: string[];
  total: number;
}
interface RulesetGroups {
  storeGroups: GroupMembers[];
  productGroups: GroupMembers[];
}

type Tab = 'store-groups' | 'product-groups' | 'stores' | 'products';
const TABS: { id: Tab; label: string }[] = [
  { id: 'store-groups', label: 'Store groups' },
  { id: 'product-groups', label: 'Product groups' },
  { id: 'stores', label: 'Stores' },
  { id: 'products', label: 'Products' },
];

export default function GroupsScreen({ rest }: ScreenProps) {
  const studio = useStudio();
  const ruleset = studio.definitionsOf<RulesetDef>('rules')[0]?.content;
  const tab: Tab = TABS.some((t) => t.id === rest[0]) ? (rest[0] as Tab) : 'store-groups';
  if (!ruleset) return <Loading what="Loading the ruleset" />;
  return (
    <>
      <ScreenHeader title="Groups and master data" subtitle="Groups are filters: their members follow the stores and products as they are now." />
      <nav className="segmented groups-tabs" aria-label="Groups and master data">
        {TABS.map((t) => (
          <a key={t.id} className="btn" href={href(studio.app.id, 'groups', t.id)} aria-current={t.id === tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      {tab === 'store-groups' ? <Groups ruleset={ruleset} source={ruleset.storeGroups} which="storeGroups" memberEntity={ruleset.stores.entity} /> : null}
      {tab === 'product-groups' ? <Groups ruleset={ruleset} source={ruleset.productGroups} which="productGroups" memberEntity={ruleset.products.entity} /> : null}
      {tab === 'stores' ? <MasterData key="stores" entity={ruleset.stores.entity} keyField={ruleset.stores.key} /> : null}
      {tab === 'products' ? <MasterData key="products" entity={ruleset.products.entity} keyField={ruleset.products.key} /> : null}
    </>
  );
}

function Groups({ ruleset, source, which, memberEntity }: { ruleset: RulesetDef; source: GroupSource; which: keyof RulesetGroups; memberEntity: string }) {
  const { api, base, app } = useStudio();
  const [groups, setGroups] = useState<Rec[]>();
  const [members, setMembers] = useState<RulesetGroups>();
  const [open, setOpen] = useState<string>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  useEffect(() => {
    setGroups(undefined);
    Promise.all([listAll(api, base, source.entity), api.get<RulesetGroups>(`${base}/rules/${seg(ruleset.name)}/groups`)]).then(
      ([g, m]) => {
        setGroups(g);
        setMembers(m);
      },
      (err: unknown) => setError(describeError(err)),
    );
  }, [api, base, source.entity, ruleset.name]);
  if (error) return <ErrorBox {...error} />;
  if (!groups || !members) return <Loading what="Resolving the groups" />;
  const of = (code: unknown) => members[which].find((m) => m.code === code);
  return (
    <Panel title={`${groups.length} ${which === 'storeGroups' ? 'store' : 'product'} group${groups.length === 1 ? '' : 's'}`}>
      {!groups.length ? (
        <Empty>No groups yet.</Empty>
      ) : (
        <ul className="group-list">
          {groups.map((g) => {
            const code = String(g[source.code]);
            const m = of(code);
            const expanded = open === code;
            return (
              <li key={g.id} className="group-card">
                <div className="group-head">
                  <div>
                    <h3>
                      <code>{code}</code> {String(g.name ?? '')}
                    </h3>
                    <p className="muted">Filter: {describeCondition(g[source.filter])}</p>
                  </div>
                  <div className="group-count">
                    {m ? <Badge tone={m.total ? 'info' : 'warn'}>{m.total ? `${m.total} member${m.total === 1 ? '' : 's'}` : 'No members'}</Badge> : <Badge>Unknown</Badge>}
                    <Button aria-expanded={expanded} aria-controls={`members-${code}`} onClick={() => setOpen(expanded ? undefined : code)}>
                      {expanded ? 'Hide members' : 'Show members'}
                    </Button>
                  </div>
                </div>
                {expanded ? (
                  <div id={`members-${code}`} className="group-members">
                    {m?.members.length ? (
                      <ul className="member-chips" aria-label={`Members of ${code}`}>
                        {m.members.map((k) => (
                          <li key={k}>
                            <a href={`${href(app.id, 'groups', memberEntity === ruleset.stores.entity ? 'stores' : 'products')}?q=${encodeURIComponent(k)}`}>{k}</a>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <p className="muted">It holds nothing right now{m && m.total > m.members.length ? ' that you may see' : ''}.</p>
                    )}
                    {m && m.total > m.members.length ? <p className="muted small">{m.total - m.members.length} more outside your scope.</p> : null}
                    <details>
                      <summary>The filter as written</summary>
                      <pre className="mono">{JSON.stringify(g[source.filter], null, 2)}</pre>
                    </details>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}

/** Stores or products: filter by a field, sort, page with the server's cursor. */
function MasterData({ entity, keyField }: { entity: string; keyField: string }) {
  const studio = useStudio();
  const { api, base } = studio;
  const def = studio.definition<EntityDef>('entity', entity);
  const fields = Object.keys(def?.fields ?? {});
  const filterable = def?.filterable ?? [keyField];
  const sortable = def?.sortable ?? [];
  const initialQ = new URLSearchParams(location.hash.split('?')[1] ?? '').get('q') ?? '';
  const [field, setField] = useState(filterable.includes(keyField) ? keyField : (filterable[0] ?? keyField));
  const [q, setQ] = useState(initialQ);
  const [sort, setSort] = useState(sortable.includes(keyField) ? keyField : '');
  const [query, setQuery] = useState({ field, q: initialQ, sort });
  const [pages, setPages] = useState<Rec[][]>([]);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (at: number, cursor: string | null) => {
      setLoading(true);
      setError(undefined);
      try {
        const params = new URLSearchParams({ limit: '20' });
        if (query.q) params.set(query.field, query.q);
        if (query.sort) params.set('sort', query.sort);
        if (cursor) params.set('cursor', cursor);
        const r = await api.get<{ items: Rec[]; nextCursor: string | null }>(`${base}/records/${seg(entity)}?${params}`);
        setPages((p) => Object.assign([...p], { [at]: r.items }));
        setNext(r.nextCursor);
        setPage(at);
      } catch (err) {
        setError(describeError(err));
      } finally {
        setLoading(false);
      }
    },
    [api, base, entity, query],
  );
  useEffect(() => {
    setPages([]);
    setCursors([null]);
    void load(0, null);
  }, [load]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ field, q: q.trim(), sort });
    navigate(`${location.hash.split('?')[0]}${q.trim() ? `?q=${encodeURIComponent(q.trim())}` : ''}`);
  };
  const rows = pages[page] ?? [];
  const shown = fields.filter((f) => def?.fields[f]?.type !== 'object' && def?.fields[f]?.type !== 'array').slice(0, 9);
  return (
    <Panel title={def?.label ? `${def.label}s` : entity}>
      <form className="inline-fields master-search" onSubmit={search} role="search" aria-label={`Search ${entity}`}>
        <Select label="Search in" value={field} onChange={(e) => setField(e.target.value)} options={filterable.map((f) => ({ value: f, label: def?.fields[f]?.label ?? f }))} />
        <TextInput label="Equals" value={q} onChange={(e) => setQ(e.target.value)} placeholder="exact value" />
        {sortable.length ? <Select label="Sort by" value={sort} onChange={(e) => setSort(e.target.value)} options={[{ value: '', label: 'Newest first' }, ...sortable.flatMap((f) => [{ value: f, label: `${def?.fields[f]?.label ?? f} ↑` }, { value: `-${f}`, label: `${def?.fields[f]?.label ?? f} ↓` }])]} /> : null}
        <Button type="submit" variant="primary">Search</Button>
      </form>
      {error ? <ErrorBox {...error} /> : null}
      {loading && !rows.length ? (
        <Loading />
      ) : !rows.length ? (
        <Empty>Nothing matches.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                {shown.map((f) => (
                  <th key={f} scope="col">{def?.fields[f]?.label ?? f}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  {shown.map((f) => (
                    <td key={f}>{f === keyField ? <code>{String(r[f] ?? '')}</code> : typeof r[f] === 'boolean' ? (r[f] ? 'Yes' : 'No') : String(r[f] ?? '—')}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row pager" aria-label="Pages">
        <Button disabled={page === 0 || loading} onClick={() => void load(page - 1, cursors[page - 1] ?? null)}>← Previous</Button>
        <span className="muted">Page {page + 1}</span>
        <Button
          disabled={!next || loading}
          onClick={() => {
            const c = [...cursors];
            c[page + 1] = next;
            setCursors(c);
            void load(page + 1, next);
          }}
        >
          Next →
        </Button>
      </div>
    </Panel>
  );
}
