// One promotion: its rule fields (name, conditions, benefit, store group, dates, priority,
// exclusivity), editable while the entity allows (a Draft); its lifecycle moves (activate, pause,
// resume, archive — what the server offers this role); the conflict lint; and the two ways to try
// it before it runs: a backtest on past transactions and the test console.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { describeError, seg } from '../../api.ts';
import { href, navigate } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Segmented } from '../../ui/Segmented.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Select, TextInput } from '../../ui/Field.tsx';
import { Loading, Panel, ScreenHeader } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import { BacktestPanel } from './BacktestPanel.tsx';
import { BenefitEditor, type BenefitValue } from './BenefitEditor.tsx';
import { ConditionBuilder, type Choices } from './ConditionBuilder.tsx';
import { countLeaves, fromCondition, toCondition, type ConditionNode } from './condition-tree.ts';
import { LintWarnings } from './LintWarnings.tsx';
import { factSet } from './ruleset.ts';
import { TestConsole } from './TestConsole.tsx';
import { useLifecycle } from './use-lifecycle.ts';
import type { Rec, useRuleset } from './use-ruleset.ts';

interface Form {
  name: string;
  conditions: ConditionNode | null;
  benefit: BenefitValue | null;
  storeGroup: string;
  startDate: string;
  endDate: string;
  priority: string;
  exclusive: boolean;
}

const EVENT_WORDS: Record<string, string> = { activate: 'Activate', pause: 'Pause', resume: 'Resume', archive: 'Archive' };
const EVENT_HINT: Record<string, string> = {
  activate: 'Checks it is complete and compiles it; it starts now, or on its start date.',
  pause: 'Stops offering it until resumed.',
  resume: 'Offers it again (within the limit of active promotions).',
  archive: 'Ends it for good: an archived promotion cannot come back.',
};

export function PromotionEditor({ id, rs }: { id: string | null; rs: ReturnType<typeof useRuleset> }) {
  const { api, base, app, notify } = useStudio();
  const ruleset = rs.ruleset!;
  const master = rs.master!;
  const f = ruleset.fields;
  const nameField = f.name ?? 'name';
  const lifecycle = useLifecycle(ruleset.entity);
  const [record, setRecord] = useState<Rec & { allowedEvents?: string[] }>();
  const [form, setForm] = useState<Form>();
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const [busy, setBusy] = useState<string>();
  const [confirm, setConfirm] = useState<string>();
  const [tab, setTab] = useState<'backtest' | 'console'>('backtest');

  const toForm = useCallback(
    (r: Record<string, unknown> | undefined): Form => ({
      name: String(r?.[nameField] ?? ''),
      conditions: fromCondition(r?.[f.conditions]),
      benefit: (r?.[f.benefit] as BenefitValue | undefined) ?? null,
      storeGroup: String(r?.[f.storeGroup] ?? ''),
      startDate: String(r?.[f.startDate] ?? ''),
      endDate: String(r?.[f.endDate] ?? ''),
      priority: f.priority && typeof r?.[f.priority] === 'number' ? String(r[f.priority]) : '',
      exclusive: Boolean(f.exclusive && r?.[f.exclusive]),
    }),
    [f, nameField],
  );

  /** The rule fields as the API takes them; what is not set is left out. */
  const fieldsOf = useCallback(
    (x: Form): Record<string, unknown> => {
      const o: Record<string, unknown> = { [nameField]: x.name };
      const c = toCondition(x.conditions);
      if (c !== null) o[f.conditions] = c;
      if (x.benefit) o[f.benefit] = x.benefit;
      if (x.storeGroup) o[f.storeGroup] = x.storeGroup;
      if (x.startDate) o[f.startDate] = x.startDate;
      if (x.endDate) o[f.endDate] = x.endDate;
      if (f.priority && x.priority !== '') o[f.priority] = Number(x.priority);
      if (f.exclusive) o[f.exclusive] = x.exclusive;
      return o;
    },
    [f, nameField],
  );

  const load = useCallback(async () => {
    if (!id) {
      const fresh = toForm(undefined);
      setForm(fresh);
      setSaved(JSON.stringify(fieldsOf(fresh)));
      return;
    }
    try {
      const r = await api.get<Rec & { allowedEvents?: string[] }>(`${base}/records/${seg(ruleset.entity)}/${seg(id)}`);
      setRecord(r);
      const loaded = toForm(r);
      setForm(loaded);
      setSaved(JSON.stringify(fieldsOf(loaded)));
    } catch (err) {
      setError(describeError(err));
    }
  }, [api, base, id, ruleset.entity, toForm, fieldsOf]);
  useEffect(() => void load(), [load]);

  const choices = useMemo<Choices>(() => {
    const codes = master.productGroups.map((g) => String(g[ruleset.productGroups.code]));
    const facts = factSet(ruleset, rs.storeEntity, codes);
    return {
      facts,
      suggestions(fact, path) {
        if (fact === 'cart' && path === 'skus') return master.products.map((p) => String(p[ruleset.products.key]));
        if (fact === 'store' && path === ruleset.stores.key) return master.stores.map((s) => String(s[ruleset.stores.key]));
        if (fact === 'store') {
          const def = rs.storeEntity?.fields[path];
          if (def?.enum) return def.enum.map(String);
          return [...new Set(master.stores.map((s) => s[path]).filter((v) => typeof v === 'string') as string[])].sort();
        }
        return [];
      },
    };
  }, [master, ruleset, rs.storeEntity]);

  if (error && !form) return <ErrorBox {...error} />;
  if (!form) return <Loading what="Loading the promotion" />;

  const state = record?.[lifecycle.field];
  const editableIn = (rs.entity?.fields[f.conditions] as { editableIn?: string[] } | undefined)?.editableIn;
  const editable = !record || !editableIn || editableIn.includes(String(state));
  const current = fieldsOf(form);
  const dirty = JSON.stringify(current) !== saved;
  const candidate = record ? (dirty && editable ? { promotionId: record.id, promotion: current } : { promotionId: record.id }) : { promotion: current };
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const events = record?.allowedEvents ?? [];

  const save = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy('save');
    setError(undefined);
    try {
      if (!record) {
        const made = await api.post<Rec>(`${base}/records/${seg(ruleset.entity)}`, current);
        notify(`Draft “${form.name}” saved`, 'success');
        navigate(href(app.id, 'promotions', made.id));
      } else {
        await api.patch<Rec>(`${base}/records/${seg(ruleset.entity)}/${seg(record.id)}`, current);
        notify('Changes saved', 'success');
        await load();
      }
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };

  const move = async (event: string) => {
    if (!record) return;
    setConfirm(undefined);
    setBusy(event);
    setError(undefined);
    try {
      const r = await api.post<Rec>(`${base}/records/${seg(ruleset.entity)}/${seg(record.id)}/events/${seg(event)}`, {});
      notify(`${EVENT_WORDS[event] ?? event}: now ${lifecycle.label(r[lifecycle.field])}`, 'success');
      await load();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };

  const storeGroupOptions = [{ value: '', label: 'Choose a store group' }, ...master.storeGroups.map((g) => ({ value: String(g[ruleset.storeGroups.code]), label: `${String(g[ruleset.storeGroups.code])} — ${String(g.name ?? '')}` }))];
  return (
    <>
      <ScreenHeader
        title={record ? String(record[nameField] ?? 'Promotion') : 'New promotion'}
        subtitle={
          <>
            <a href={href(app.id, 'promotions')}>← All promotions</a>
            {record ? <> · {lifecycle.badge(state)}</> : <> · <Badge>Not saved</Badge></>}
            {dirty && record ? <> · <Badge tone="warn">Unsaved changes</Badge></> : null}
          </>
        }
        actions={
          <>
            {editable ? (
              <Button variant="primary" busy={busy === 'save'} disabled={!dirty && Boolean(record)} onClick={() => void save()}>
                {record ? 'Save changes' : 'Save as draft'}
              </Button>
            ) : null}
            {events.map((ev) => (
              <Button key={ev} variant={ev === 'archive' ? 'danger' : ev === 'activate' || ev === 'resume' ? 'primary' : 'secondary'} busy={busy === ev} disabled={dirty} title={dirty ? 'Save your changes first' : EVENT_HINT[ev]} onClick={() => (ev === 'archive' || ev === 'activate' ? setConfirm(ev) : void move(ev))}>
                {EVENT_WORDS[ev] ?? ev}
              </Button>
            ))}
          </>
        }
      />
      {error ? <ErrorBox {...error} /> : null}
      {!editable ? <p className="notice">Only a {lifecycle.label(lifecycle.initial)} can be edited: this promotion's rule is frozen. Backtest and the test console still work.</p> : null}
      <form onSubmit={save} className="promo-form" aria-label="Promotion">
        <Panel title="What and when">
          <div className="inline-fields">
            <div className="grow">
              <TextInput label="Name" required maxLength={200} value={form.name} disabled={!editable} onChange={(e) => set({ name: e.target.value })} />
            </div>
            <Select label="Store group" value={form.storeGroup} disabled={!editable} options={storeGroupOptions} onChange={(e) => set({ storeGroup: e.target.value })} />
            <TextInput label="Start date" type="date" value={form.startDate} disabled={!editable} onChange={(e) => set({ startDate: e.target.value })} hint="UTC" />
            <TextInput label="End date" type="date" value={form.endDate} disabled={!editable} onChange={(e) => set({ endDate: e.target.value })} hint="Runs through this day" />
            {f.priority ? <TextInput label="Priority" type="number" min={0} max={1000} step={1} value={form.priority} disabled={!editable} onChange={(e) => set({ priority: e.target.value })} hint="Higher wins ties" /> : null}
            {f.exclusive ? (
              <div className="field checkbox-field">
                <label>
                  <input type="checkbox" checked={form.exclusive} disabled={!editable} onChange={(e) => set({ exclusive: e.target.checked })} /> Exclusive
                </label>
                <p className="field-hint">Hides non-exclusive promotions of lower priority</p>
              </div>
            ) : null}
          </div>
        </Panel>
        <Panel title={`Conditions${form.conditions ? ` (${countLeaves(form.conditions)})` : ''}`}>
          <ConditionBuilder value={form.conditions} onChange={(conditions) => set({ conditions })} choices={choices} readOnly={!editable} />
          {record && record[f.conditions] !== undefined && !form.conditions && editable ? <p className="notice">A saved condition cannot be removed by saving: the API keeps the stored one. Add a condition instead, or archive this draft.</p> : null}
        </Panel>
        <Panel title="Benefit">
          <BenefitEditor value={form.benefit} onChange={(benefit) => set({ benefit })} productGroups={master.productGroups} groupCode={ruleset.productGroups.code} readOnly={!editable} />
        </Panel>
      </form>
      <LintWarnings ruleset={ruleset.name} candidate={candidate} title="Conflict check" refreshKey={record?.version} />
      <Segmented className="promo-tabs" label="Try it" value={tab} onChange={setTab} options={[{ value: 'backtest', label: 'Backtest' }, { value: 'console', label: 'Test console' }]} />
      {tab === 'backtest' ? <BacktestPanel ruleset={ruleset.name} candidate={candidate} /> : <TestConsole rs={rs} highlight={record?.id} />}
      {confirm ? (
        <Dialog
          open
          title={`${EVENT_WORDS[confirm] ?? confirm} “${form.name}”?`}
          onClose={() => setConfirm(undefined)}
          actions={
            <>
              <Button onClick={() => setConfirm(undefined)}>Cancel</Button>
              <Button variant={confirm === 'archive' ? 'danger' : 'primary'} onClick={() => void move(confirm)}>
                {EVENT_WORDS[confirm] ?? confirm} now
              </Button>
            </>
          }
        >
          <p>{EVENT_HINT[confirm]}</p>
        </Dialog>
      ) : null}
    </>
  );
}
