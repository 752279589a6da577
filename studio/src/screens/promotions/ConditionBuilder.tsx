// The condition builder: all / any / not groups of comparisons (fact, path, operator, value), each
// value typed by its fact and operator. It edits the tree of condition-tree.ts, so what it saves is
// the exact json-rules-engine JSON the API takes, and anything it does not understand is kept.
import { useId, useState, type ReactNode } from 'react';
import { Button } from '../../ui/Button.tsx';
import { addTo, group, leaf, newId, replaceNode, type ConditionNode, type LeafNode, type NodeId } from './condition-tree.ts';
import { coerceValue, OPERATORS, operatorsFor, pathKey, type FactSet, type FactType } from './ruleset.ts';

export interface Choices {
  facts: FactSet;
  /** Values to offer for a fact path ("cart.skus" -> SKUs, "store.zone" -> its enum). */
  suggestions(fact: string, path: string): string[];
}

interface Props {
  value: ConditionNode | null;
  onChange(next: ConditionNode | null): void;
  choices: Choices;
  readOnly?: boolean;
}

export function ConditionBuilder({ value, onChange, choices, readOnly }: Props) {
  const newLeaf = () => {
    const [fact, paths] = Object.entries(choices.facts).find(([, p]) => Object.keys(p).length) ?? ['cart', { total: 'number' as FactType }];
    const [path, type] = Object.entries(paths)[0]!;
    const operator = operatorsFor(type)[0]!;
    return leaf(fact, `$.${path}`, operator, coerceValue(undefined, operator, type));
  };
  if (!value) {
    return (
      <div className="cb-empty">
        <p className="muted">No condition: the promotion applies to every cart at its stores and dates.</p>
        {readOnly ? null : (
          <Button onClick={() => onChange(group('all', [newLeaf()]))}>Add a condition</Button>
        )}
      </div>
    );
  }
  const ctx: Ctx = { root: value, onChange, choices, readOnly: Boolean(readOnly), newLeaf };
  return (
    <div className="cb" role="group" aria-label="Conditions">
      <NodeView node={value} ctx={ctx} depth={0} />
      {!readOnly && value.kind !== 'all' && value.kind !== 'any' ? (
        <div className="cb-actions">
          <Button onClick={() => onChange(addTo(value, null, newLeaf()))}>Add a comparison</Button>
        </div>
      ) : null}
    </div>
  );
}

interface Ctx {
  root: ConditionNode;
  onChange(next: ConditionNode | null): void;
  choices: Choices;
  readOnly: boolean;
  newLeaf(): LeafNode;
}

const set = (ctx: Ctx, id: NodeId, next: ConditionNode | null) => ctx.onChange(replaceNode(ctx.root, id, next));

function NodeView({ node, ctx, depth }: { node: ConditionNode; ctx: Ctx; depth: number }): ReactNode {
  switch (node.kind) {
    case 'all':
    case 'any':
      return <GroupView node={node} ctx={ctx} depth={depth} />;
    case 'not':
      return (
        <div className="cb-group cb-not">
          <div className="cb-group-head">
            <strong>None of this holds:</strong>
            <span className="spacer" />
            {ctx.readOnly ? null : (
              <>
                <Button variant="ghost" onClick={() => set(ctx, node.id, node.child)}>Remove “not”</Button>
                <Button variant="ghost" onClick={() => set(ctx, node.id, null)} aria-label="Delete this negated condition">Delete</Button>
              </>
            )}
          </div>
          <NodeView node={node.child} ctx={ctx} depth={depth + 1} />
        </div>
      );
    case 'leaf':
      return <LeafView node={node} ctx={ctx} />;
    case 'raw':
      return <RawView node={node} ctx={ctx} />;
  }
}

function GroupView({ node, ctx, depth }: { node: ConditionNode & { kind: 'all' | 'any' }; ctx: Ctx; depth: number }) {
  const id = useId();
  return (
    <div className={`cb-group cb-${node.kind}`} role="group" aria-labelledby={`${id}-label`}>
      <div className="cb-group-head">
        <label id={`${id}-label`} htmlFor={`${id}-kind`} className="cb-group-label">
          {depth === 0 ? 'The cart qualifies when' : 'A group: when'}
        </label>
        <select id={`${id}-kind`} value={node.kind} disabled={ctx.readOnly} onChange={(e) => set(ctx, node.id, { ...node, kind: e.target.value as 'all' | 'any' })}>
          <option value="all">all of these hold</option>
          <option value="any">any of these holds</option>
        </select>
        <span className="spacer" />
        {ctx.readOnly ? null : (
          <>
            <Button variant="ghost" onClick={() => set(ctx, node.id, { kind: 'not', id: newId(), child: node })}>Negate</Button>
            {depth > 0 ? <Button variant="ghost" onClick={() => set(ctx, node.id, null)} aria-label="Delete this group">Delete group</Button> : null}
          </>
        )}
      </div>
      {node.children.length === 0 ? <p className="muted cb-hint">Empty: add a comparison (the engine refuses an empty group).</p> : null}
      <ol className="cb-children">
        {node.children.map((c) => (
          <li key={c.id}>
            <NodeView node={c} ctx={ctx} depth={depth + 1} />
          </li>
        ))}
      </ol>
      {ctx.readOnly ? null : (
        <div className="cb-actions">
          <Button onClick={() => ctx.onChange(addTo(ctx.root, node.id, ctx.newLeaf()))}>Add a comparison</Button>
          {depth < 6 ? <Button variant="ghost" onClick={() => ctx.onChange(addTo(ctx.root, node.id, group(node.kind === 'all' ? 'any' : 'all', [ctx.newLeaf()])))}>Add a group</Button> : null}
        </div>
      )}
    </div>
  );
}

function LeafView({ node, ctx }: { node: LeafNode; ctx: Ctx }) {
  const id = useId();
  const facts = ctx.choices.facts;
  const fact = String(node.fact);
  const paths = facts[fact] ?? {};
  const key = pathKey(node.path);
  const type = paths[key];
  const operator = String(node.operator);
  const known = operatorsFor(type);
  const ops = known.includes(operator) ? known : [operator, ...known];
  const update = (patch: Partial<LeafNode>) => set(ctx, node.id, { ...node, ...patch });
  const factOptions = Object.keys(facts).includes(fact) ? Object.keys(facts) : [fact, ...Object.keys(facts)];
  const pathOptions = Object.keys(paths).includes(key) || !node.hasPath ? Object.keys(paths) : [key, ...Object.keys(paths)];
  return (
    <div className="cb-leaf" role="group" aria-label={`Comparison: ${fact} ${key}`}>
      <div className="cb-cell">
        <label htmlFor={`${id}-fact`}>Fact</label>
        <select id={`${id}-fact`} value={fact} disabled={ctx.readOnly} onChange={(e) => {
          const f = e.target.value;
          const [p, t] = Object.entries(facts[f] ?? {})[0] ?? ['', undefined];
          const op = operatorsFor(t).includes(operator) ? operator : operatorsFor(t)[0]!;
          update({ fact: f, hasPath: true, path: `$.${p}`, operator: op, value: coerceValue(node.value, op, t) });
        }}>
          {factOptions.map((f) => <option key={f} value={f}>{f}</option>)}
        </select>
      </div>
      <div className="cb-cell">
        <label htmlFor={`${id}-path`}>Path</label>
        <select id={`${id}-path`} value={key} disabled={ctx.readOnly} onChange={(e) => {
          const t = paths[e.target.value];
          const op = operatorsFor(t).includes(operator) ? operator : operatorsFor(t)[0]!;
          update({ hasPath: true, path: `$.${e.target.value}`, operator: op, value: coerceValue(node.value, op, t) });
        }}>
          {!node.hasPath ? <option value="">(the whole fact)</option> : null}
          {pathOptions.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </div>
      <div className="cb-cell">
        <label htmlFor={`${id}-op`}>Operator</label>
        <select id={`${id}-op`} value={operator} disabled={ctx.readOnly} onChange={(e) => update({ operator: e.target.value, value: coerceValue(node.value, e.target.value, type) })}>
          {ops.map((o) => <option key={o} value={o}>{OPERATORS[o]?.words ?? o}</option>)}
        </select>
      </div>
      <div className="cb-cell cb-value">
        <ValueInput id={`${id}-value`} value={node.value} operator={operator} type={type} suggestions={ctx.choices.suggestions(fact, key)} readOnly={ctx.readOnly} onChange={(value) => update({ value })} />
      </div>
      {ctx.readOnly ? null : (
        <Button variant="ghost" className="cb-delete" onClick={() => set(ctx, node.id, null)} aria-label={`Delete comparison ${fact} ${key}`}>
          Delete
        </Button>
      )}
    </div>
  );
}

/** A value input typed by the operator (number, date, list) and the fact (text, number, yes/no). */
function ValueInput({ id, value, operator, type, suggestions, readOnly, onChange }: { id: string; value: unknown; operator: string; type: FactType | undefined; suggestions: string[]; readOnly: boolean; onChange(v: unknown): void }) {
  const kind = OPERATORS[operator]?.kind ?? 'scalar';
  const listId = `${id}-suggest`;
  const itemType = type === 'string[]' ? 'string' : type;
  // A value compared with another fact, or of a shape the operator does not take: edited as JSON.
  const odd = (value !== null && typeof value === 'object' && !Array.isArray(value)) || (kind === 'list' && !Array.isArray(value)) || (kind !== 'list' && Array.isArray(value));
  if (odd) return <JsonValue id={id} value={value} readOnly={readOnly} onChange={onChange} />;
  if (kind === 'list') return <ListValue id={id} value={value as unknown[]} itemType={itemType} suggestions={suggestions} readOnly={readOnly} onChange={onChange} />;
  if (kind === 'date') return (<><label htmlFor={id}>Date</label><input id={id} type="date" value={String(value ?? '')} disabled={readOnly} onChange={(e) => onChange(e.target.value)} /></>);
  if (kind === 'number' || (itemType === 'number' && (typeof value === 'number' || value === ''))) {
    return (<><label htmlFor={id}>Number</label><input id={id} type="number" step="any" value={typeof value === 'number' ? value : ''} disabled={readOnly} onChange={(e) => onChange(e.target.value === '' ? 0 : Number(e.target.value))} /></>);
  }
  if (itemType === 'boolean' || typeof value === 'boolean') {
    return (
      <>
        <label htmlFor={id}>Value</label>
        <select id={id} value={String(value)} disabled={readOnly} onChange={(e) => onChange(e.target.value === 'true')}>
          <option value="true">yes (true)</option>
          <option value="false">no (false)</option>
        </select>
      </>
    );
  }
  if (value === null) return <JsonValue id={id} value={value} readOnly={readOnly} onChange={onChange} />;
  return (
    <>
      <label htmlFor={id}>{typeof value === 'number' ? 'Number' : 'Text'}</label>
      <input id={id} list={suggestions.length ? listId : undefined} value={String(value ?? '')} disabled={readOnly} onChange={(e) => onChange(typeof value === 'number' ? Number(e.target.value) : e.target.value)} />
      {suggestions.length ? <datalist id={listId}>{suggestions.map((s) => <option key={s} value={s} />)}</datalist> : null}
    </>
  );
}

/** A list value as chips: add from the master data (SKUs, codes) or typed; remove each. */
function ListValue({ id, value, itemType, suggestions, readOnly, onChange }: { id: string; value: unknown[]; itemType: string | undefined; suggestions: string[]; readOnly: boolean; onChange(v: unknown): void }) {
  const [draft, setDraft] = useState('');
  const listId = `${id}-suggest`;
  const add = () => {
    const t = draft.trim();
    if (!t) return;
    const v = itemType === 'number' ? Number(t) : itemType === 'boolean' ? t === 'true' : t;
    if (!value.includes(v)) onChange([...value, v]);
    setDraft('');
  };
  return (
    <>
      <label htmlFor={id}>Values</label>
      <div className="chips">
        {value.map((v, i) => (
          <span className="chip" key={`${String(v)}-${i}`}>
            {String(v)}
            {readOnly ? null : (
              <button type="button" aria-label={`Remove ${String(v)}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>×</button>
            )}
          </span>
        ))}
        {readOnly ? null : (
          <>
            <input id={id} list={suggestions.length ? listId : undefined} value={draft} placeholder={suggestions.length ? 'Pick or type, then Enter' : 'Type, then Enter'} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }} onBlur={add} />
            {suggestions.length ? <datalist id={listId}>{suggestions.map((s) => <option key={s} value={s} />)}</datalist> : null}
          </>
        )}
      </div>
    </>
  );
}

function JsonValue({ id, value, readOnly, onChange }: { id: string; value: unknown; readOnly: boolean; onChange(v: unknown): void }) {
  const [text, setText] = useState(() => JSON.stringify(value));
  const [bad, setBad] = useState(false);
  return (
    <>
      <label htmlFor={id}>Value (JSON)</label>
      <input id={id} className="mono" value={text} disabled={readOnly} aria-invalid={bad || undefined} onChange={(e) => {
        setText(e.target.value);
        try {
          onChange(JSON.parse(e.target.value));
          setBad(false);
        } catch {
          setBad(true);
        }
      }} />
    </>
  );
}

function RawView({ node, ctx }: { node: ConditionNode & { kind: 'raw' }; ctx: Ctx }) {
  return (
    <div className="cb-leaf cb-raw">
      <span className="muted">Kept as written (the builder does not edit this shape):</span> <code>{JSON.stringify(node.json)}</code>
      {ctx.readOnly ? null : <Button variant="ghost" onClick={() => set(ctx, node.id, null)}>Delete</Button>}
    </div>
  );
}
