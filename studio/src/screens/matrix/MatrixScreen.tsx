// The status matrix of a workflow: who may move a record from which state to which. The grid is
// edited in the change set being worked in (each edit puts the whole workflow there, a moment after
// the last keystroke, and says whether it is saved); the diagram, the problems the engine finds
// (unreachable states, dead ends, unknown roles), a move simulator and publishing sit beside it.
import './matrix.css';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { describeError } from '../../api.ts';
import { href, navigate } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Changes } from '../../ui/Changes.tsx';
import { Select } from '../../ui/Field.tsx';
import { Empty, Loading, Panel, ScreenHeader } from '../../ui/Panel.tsx';
import { Problems } from '../../ui/Problems.tsx';
import { PublishBar } from '../changes/PublishBar.tsx';
import type { ScreenProps } from '../screen-registry.ts';
import { CellEditor } from './CellEditor.tsx';
import { MatrixGrid, type CellRef } from './MatrixGrid.tsx';
import { MoveSimulator } from './MoveSimulator.tsx';
import { OverridePolicyEditor } from './OverridePolicyEditor.tsx';
import { StateDiagram } from './StateDiagram.tsx';
import { form, movesOf, orderStates, placeProblems, problemWord, removeMove, setOverride, toggleRole, type WorkflowContent } from './workflow-model.ts';
import type { DefinitionProblem } from '../../types.ts';

/** How long after the last edit it is put into the change set: quick edits make one save. */
const SAVE_AFTER_MS = 400;

interface AppContent {
  roles?: Record<string, { label?: string }>;
}

export default function MatrixScreen({ rest }: ScreenProps) {
  const studio = useStudio();
  const workflows = studio.definitionsOf<WorkflowContent>('workflow');
  if (!studio.live) return <Loading what="Loading the live release" />;
  if (!workflows.length) return <Empty>This app has no workflow.</Empty>;
  const name = workflows.some((w) => w.name === rest[0]) ? rest[0]! : workflows[0]!.name;
  return <WorkflowMatrix key={name} name={name} names={workflows.map((w) => w.name)} />;
}

type SaveState = { kind: 'idle' } | { kind: 'waiting' } | { kind: 'saving' } | { kind: 'failed'; error: ReturnType<typeof describeError> };

function WorkflowMatrix({ name, names }: { name: string; names: string[] }) {
  const studio = useStudio();
  const { app, changeSet, putDefinition, definitionsOf } = studio;
  const saved = studio.definition<WorkflowContent>('workflow', name);
  const [pending, setPending] = useState<WorkflowContent | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const wf = pending ?? saved;

  const appDef = definitionsOf<AppContent>('app')[0]?.content;
  const roles = useMemo(() => Object.entries(appDef?.roles ?? {}).map(([id, r]) => ({ id, label: r.label ?? id })), [appDef]);
  const roleIds = useMemo(() => roles.map((r) => r.id), [roles]);

  // Saving: one put at a time, of the newest draft; an edit made during a save is saved after it.
  const latest = useRef<WorkflowContent | null>(null);
  latest.current = pending;
  const inFlight = useRef(false);
  const putRef = useRef(putDefinition);
  putRef.current = putDefinition;
  const notifyRef = useRef(studio.notify);
  notifyRef.current = studio.notify;
  useEffect(() => {
    if (!pending || inFlight.current) return;
    setSave({ kind: 'waiting' });
    const timer = setTimeout(async () => {
      const sending = latest.current;
      if (!sending) return;
      inFlight.current = true;
      setSave({ kind: 'saving' });
      try {
        await putRef.current('workflow', name, sending, `Change the ${name} matrix`);
        inFlight.current = false;
        if (latest.current === sending) {
          setPending(null);
          setSave({ kind: 'idle' });
        } else setPending((p) => (p ? { ...p } : p)); // newer edits: save them too
      } catch (err) {
        inFlight.current = false;
        setSave({ kind: 'failed', error: describeError(err) });
      }
    }, SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [pending, name]);

  // Leaving the screen before the save fires still saves; closing the tab with an edit unsaved asks.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (latest.current || inFlight.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
      const unsaved = latest.current;
      if (unsaved && !inFlight.current) putRef.current('workflow', name, unsaved, `Change the ${name} matrix`).catch((err: unknown) => notifyRef.current(`Your last edit of ${name} was not saved: ${describeError(err).message}`, 'error'));
    };
  }, [name]);
  const edit = (next: WorkflowContent) => setPending(next);
  const liveWf = studio.live?.definitions.find((d) => d.kind === 'workflow' && d.name === name)?.content as WorkflowContent | undefined;
  const states = useMemo(() => (wf ? orderStates(wf, liveWf) : []), [wf, liveWf]);
  const [focus, setFocus] = useState<CellRef>({ from: states[0] ?? '', to: states[1] ?? '' });
  const [selected, setSelected] = useState<CellRef | null>(null);
  const moves = useMemo(() => (wf ? movesOf(wf) : []), [wf]);
  const item = changeSet?.definitions.find((d) => d.kind === 'workflow' && d.name === name);
  const testItems = changeSet?.definitions.filter((d) => d.kind === 'test') ?? [];
  const file = studio.live?.definitions.find((d) => d.kind === 'workflow' && d.name === name)?.file ?? `${app.id}/${name}.workflow.yaml`;
  const problems = useMemo(() => (changeSet?.problems ?? []).filter((p) => p.file === file || p.file.endsWith(`/${name}.workflow.yaml`)), [changeSet, file, name]);
  const otherProblems = (changeSet?.problems ?? []).filter((p) => !problems.includes(p));
  const placed = useMemo(() => placeProblems(wf ?? ({ states: {}, initial: '' } as unknown as WorkflowContent), problems), [wf, problems]);

  if (!wf) return <Empty>The workflow {name} is removed in this change set.</Empty>;
  const editable = form(wf) === 'matrix' && studio.managesDefinitions;
  const toggle = (cell: CellRef, role: string) => {
    if (!editable) return;
    const on = !moves.some((m) => m.from === cell.from && m.to === cell.to && m.roles.includes(role));
    edit(toggleRole(wf, cell.from, cell.to, role, on));
  };
  const remove = (cell: CellRef) => editable && edit(removeMove(wf, cell.from, cell.to));
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  const errors = problems.length - warnings;

  return (
    <>
      <ScreenHeader
        title="Status matrix"
        subtitle={
          <>
            Who may move a <strong>{wf.entity}</strong> from one {wf.field} to another. Workflow <code>{wf.name}</code>, {form(wf) === 'matrix' ? 'authored as a matrix: edit any cell' : 'authored as a list of transitions (events, conditions, effects): shown read-only here'}.
          </>
        }
        actions={
          names.length > 1 ? (
            <Select label="Workflow" value={name} onChange={(e) => navigate(href(app.id, 'matrix', e.target.value))} options={names.map((n) => ({ value: n, label: n }))} />
          ) : undefined
        }
      />
      <SaveStatus save={save} pending={Boolean(pending)} changeSetTitle={changeSet?.title} inChangeSet={Boolean(item)} liveRelease={studio.live?.number} onRetry={() => setPending((p) => (p ? { ...p } : p))} />

      <div className="matrix-top">
        <Panel
          title="Matrix"
          className="matrix-panel"
          actions={
            <span className="row">
              {errors ? <Badge tone="bad">{errors} error{errors === 1 ? '' : 's'}</Badge> : null}
              {warnings ? <Badge tone="warn">{warnings} warning{warnings === 1 ? '' : 's'}</Badge> : null}
              {!problems.length && changeSet ? <Badge tone="good">No problems</Badge> : null}
            </span>
          }
        >
          <p className="field-hint" id="matrix-keys">
            {editable
              ? `Arrow keys move between cells; Enter opens a cell; ${roles.map((r, i) => `${i + 1} ${r.id}`).join(', ')} give or take that role; Delete removes the move.`
              : 'Arrow keys move between cells; Enter shows who may make the move.'}
          </p>
          <div className={`matrix-layout ${selected ? 'with-editor' : ''}`}>
            <MatrixGrid
              wf={wf}
              states={states}
              moves={moves}
              roles={roleIds}
              placed={placed}
              editable={editable}
              focus={focus}
              selected={selected}
              onFocus={setFocus}
              onOpen={(c) => setSelected((s) => (s && s.from === c.from && s.to === c.to ? null : c))}
              onToggle={toggle}
              onRemove={remove}
            />
            {selected ? <CellEditor wf={wf} cell={selected} roles={roles} placed={placed} editable={editable} onToggle={toggle} onRemove={remove} onClose={() => setSelected(null)} /> : null}
          </div>
        </Panel>
        <Panel title="State diagram" className="diagram-panel">
          <StateDiagram wf={wf} states={states} moves={moves} placed={placed} />
        </Panel>
      </div>

      <div className="columns">
        <Panel title="Problems">
          {!changeSet ? (
            <p className="muted">The live release checks out. Edits open a change set, which is checked as a whole at every save.</p>
          ) : (
            <>
              <Problems problems={problems} empty={`No problems with ${name}.`} />
              {otherProblems.length ? (
                <details>
                  <summary>{otherProblems.length} problem{otherProblems.length === 1 ? '' : 's'} elsewhere in the change set</summary>
                  <Problems problems={otherProblems} />
                </details>
              ) : null}
            </>
          )}
        </Panel>
        <Panel title="Override policy">
          <OverridePolicyEditor policy={wf.override} roles={roles} problems={placed.override} editable={studio.managesDefinitions} onChange={(p) => edit(setOverride(wf, p))} />
        </Panel>
      </div>

      <Panel title="Try a move">
        <MoveSimulator wf={wf} states={states} roles={roles} pending={Boolean(pending)} />
      </Panel>

      <div className="columns">
        <Panel title="What the change set changes here">
          {item ? <Changes changes={item.changes} empty="Same as the live release." /> : <p className="muted">Nothing in {name} yet: this is the live workflow.</p>}
          {testItems.map((t) => (
            <div key={t.name}>
              <h3>
                Saved test cases <code>{t.name}</code>
              </h3>
              <NewCases name={t.name} content={t.content} />
              <details>
                <summary>Every change in {t.name}</summary>
                <Changes changes={t.changes} empty="Same as the live release." />
              </details>
            </div>
          ))}
        </Panel>
        <Panel title="Publish">
          {changeSet?.status === 'open' ? (
            <>
              <p className="muted">
                Change set <a href={href(app.id, 'changes', changeSet.id)}>{changeSet.title}</a>: {changeSet.definitions.length} definition{changeSet.definitions.length === 1 ? '' : 's'}.
              </p>
              <WarningsHold warnings={problems.filter((p) => p.severity === 'warning')} workflow={name}>
                <PublishBar changeSet={changeSet} />
              </WarningsHold>
            </>
          ) : (
            <p className="muted">No open change set: your first edit opens one. Nothing reaches production until it is published.</p>
          )}
        </Panel>
      </div>
    </>
  );
}

function SaveStatus({ save, pending, changeSetTitle, inChangeSet, liveRelease, onRetry }: { save: SaveState; pending: boolean; changeSetTitle?: string; inChangeSet: boolean; liveRelease?: number; onRetry(): void }) {
  let text: string;
  let tone: 'neutral' | 'info' | 'good' | 'bad' = 'neutral';
  if (save.kind === 'failed') {
    text = `Not saved: ${save.error.message}`;
    tone = 'bad';
  } else if (pending || save.kind === 'saving') {
    text = 'Saving to the change set…';
    tone = 'info';
  } else if (inChangeSet) {
    text = `All edits saved in the change set “${changeSetTitle}”`;
    tone = 'good';
  } else text = `No edits: this is the live workflow${liveRelease ? ` (release ${liveRelease})` : ''}`;
  return (
    <div className="save-status row" role="status" aria-live="polite" aria-label="Save status">
      <Badge tone={tone}>{save.kind === 'failed' ? 'Not saved' : tone === 'info' ? 'Saving' : tone === 'good' ? 'Saved' : 'Live'}</Badge>
      <span>{text}</span>
      {save.kind === 'failed' ? <Button onClick={onRetry}>Try again</Button> : null}
    </div>
  );
}

/**
 * The engine lets a workflow with warnings go live (an override can still reach an unreachable
 * state), but on this screen a warning is most often the edit just made: a way into a state removed
 * by mistake. So publishing from here waits until the admin fixes it or says they mean it. The
 * Change sets screen and the API are not held: this is a second look, not a rule.
 */
function WarningsHold({ warnings, workflow, children }: { warnings: DefinitionProblem[]; workflow: string; children: ReactNode }) {
  const signature = warnings.map((w) => `${w.path}\n${w.message}`).join('\n');
  const [confirmed, setConfirmed] = useState('');
  if (!warnings.length) return <>{children}</>;
  const words = [...new Set(warnings.map((w) => `${w.path.replace(/^\$\.states\./, '')} ${problemWord(w)}`))].join(', ');
  return (
    <div className="stack">
      {confirmed === signature ? (
        children
      ) : (
        <div className="row">
          <Button variant="primary" disabled aria-describedby="matrix-publish-held">
            Publish now
          </Button>
          <span id="matrix-publish-held" className="muted">
            Cannot publish from here yet: {warnings.length} warning{warnings.length === 1 ? '' : 's'} in {workflow} ({words}). Fix {warnings.length === 1 ? 'it' : 'them'}, or confirm below.
          </span>
        </div>
      )}
      <label className="check">
        <input type="checkbox" checked={confirmed === signature} onChange={(e) => setConfirmed(e.target.checked ? signature : '')} />
        <span>I mean it: publish with {warnings.length === 1 ? 'this warning' : 'these warnings'}</span>
      </label>
    </div>
  );
}

/** The cases a test definition gains in the change set, by name (what an admin saved from here). */
function NewCases({ name, content }: { name: string; content: Record<string, unknown> | null }) {
  const { live } = useStudio();
  const names = (c: unknown) => ((c as { cases?: { name: string }[] } | null)?.cases ?? []).map((x) => x.name);
  const before = new Set(names(live?.definitions.find((d) => d.kind === 'test' && d.name === name)?.content));
  const added = names(content).filter((n) => !before.has(n));
  if (!added.length) return null;
  return (
    <ul className="changes">
      {added.map((n) => (
        <li key={n} className="change change-added">
          <span className="change-kind">Added</span> case “{n}”
        </li>
      ))}
    </ul>
  );
}
