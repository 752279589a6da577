// "Try a move": a record in a state, a role, a target. The engine answers (allowed or not, where the
// record lands, why, the guards it asked), against the change set being worked in, or the live
// release when there is none. The answer can be kept as a saved test case, so the next change that
// breaks it is refused at publish.
import { useEffect, useState, type FormEvent } from 'react';
import { describeError, seg } from '../../api.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Select, TextInput } from '../../ui/Field.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import { stateLabel, type WorkflowContent } from './workflow-model.ts';
import { saveCaseAsTest, type MoveRequest } from './save-as-test.ts';

export interface MoveAnswer {
  allowed: boolean;
  from: string;
  to?: string;
  event?: string;
  override: boolean;
  why: string;
  code?: string;
  message?: string;
  guards: { move: string; event: string; result: boolean }[];
  notChecked?: string[];
}

interface Props {
  wf: WorkflowContent;
  states: string[];
  roles: { id: string; label: string }[];
  /** Whether unsaved edits are waiting: the answer would then be about an older draft. */
  pending: boolean;
}

export function MoveSimulator({ wf, states, roles, pending }: Props) {
  const studio = useStudio();
  const { api, base, changeSet } = studio;
  const [from, setFrom] = useState(wf.initial);
  const [role, setRole] = useState(roles[0]?.id ?? '');
  const [target, setTarget] = useState(states.find((s) => s !== wf.initial) ?? wf.initial);
  const [override, setOverride] = useState(false);
  const [remarks, setRemarks] = useState('');
  const [answer, setAnswer] = useState<{ request: MoveRequest; result: MoveAnswer; against: string }>();
  const [caseName, setCaseName] = useState('');
  const [busy, setBusy] = useState<'try' | 'save'>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const [savedAs, setSavedAs] = useState<string>();
  // An answer is about the workflow as it was asked: an edit of it makes the answer old news (a
  // case saved into a test definition does not).
  const asked = JSON.stringify(wf);
  // Nor is an answer about a change set once it is published or left.
  useEffect(() => setAnswer(undefined), [asked, changeSet?.id]);

  const request = (): MoveRequest => ({
    kind: 'move',
    entity: wf.entity,
    record: { [wf.field]: from },
    role,
    target,
    ...(override ? { override: true } : {}),
    ...(remarks.trim() ? { remarks: remarks.trim() } : {}),
  });

  const tryIt = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('try');
    setError(undefined);
    try {
      const req = request();
      const open = changeSet?.status === 'open' ? changeSet : null;
      const result = await api.post<MoveAnswer>(open ? `${base}/changes/${seg(open.id)}/simulate` : `${base}/simulate`, req);
      setAnswer({ request: req, result, against: open ? `the change set “${open.title}”` : 'the live release' });
      setSavedAs(undefined);
      setCaseName(`${roleLabel(roles, role)} ${result.allowed ? 'may' : 'may not'} move a lead from ${stateLabel(wf, from)} to ${stateLabel(wf, target)}${override ? ' by override' : ''}`.replace(' a lead ', ` a ${wf.entity} `));
    } catch (err) {
      setAnswer(undefined);
      setError(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };

  const save = async () => {
    if (!answer) return;
    setBusy('save');
    setError(undefined);
    try {
      const { test } = await saveCaseAsTest(studio, wf, caseName.trim(), answer.request, answer.result);
      setSavedAs(test);
      studio.notify(`Saved as a test case in “${test}”: it runs before every publish`, 'success');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="stack">
      <form className="simulator" onSubmit={tryIt} aria-label="Try a move">
        <Select label="A record in" value={from} onChange={(e) => setFrom(e.target.value)} options={states.map((s) => ({ value: s, label: stateLabel(wf, s) }))} />
        <Select label="Moved by the role" value={role} onChange={(e) => setRole(e.target.value)} options={roles.map((r) => ({ value: r.id, label: `${r.label} (${r.id})` }))} />
        <Select label="Moved to" value={target} onChange={(e) => setTarget(e.target.value)} options={states.map((s) => ({ value: s, label: stateLabel(wf, s) }))} />
        <label className="check">
          <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />
          <span>As an override</span>
        </label>
        <TextInput label="Remarks (optional)" value={remarks} onChange={(e) => setRemarks(e.target.value)} maxLength={2000} />
        <Button type="submit" variant="primary" busy={busy === 'try'} disabled={!role}>
          Try the move
        </Button>
      </form>
      {pending ? <p className="muted">Your last edit is still being saved: the answer is about the change set as saved.</p> : null}
      {error ? <ErrorBox {...error} /> : null}
      {answer ? (
        <div className={`sim-answer sim-${answer.result.allowed ? 'allowed' : 'refused'}`} role="status" aria-live="polite" aria-label="Simulation result">
          <p className="row">
            <Badge tone={answer.result.allowed ? 'good' : 'bad'}>{answer.result.allowed ? 'Allowed' : 'Refused'}</Badge>
            <span>
              {answer.result.allowed ? <>The record moves to <strong>{stateLabel(wf, answer.result.to ?? '')}</strong>{answer.result.override ? ' (as an override)' : ''}.</> : <>Refused with <code>{answer.result.code}</code>.</>}
            </span>
            <span className="muted">Against {answer.against}.</span>
          </p>
          <p className="sim-why">{answer.result.why}</p>
          {answer.result.guards.length ? (
            <ul>
              {answer.result.guards.map((g, i) => (
                <li key={i}>
                  Condition of {g.move} ({g.event}): {g.result ? 'holds' : 'does not hold'}
                </li>
              ))}
            </ul>
          ) : null}
          <div className="inline-fields">
            <TextInput label="Test case name" value={caseName} onChange={(e) => setCaseName(e.target.value)} maxLength={200} required />
            <Button busy={busy === 'save'} disabled={!caseName.trim() || pending} onClick={save}>
              Save as test
            </Button>
          </div>
          {savedAs ? (
            <p className="ok-line" role="status">
              ✓ Saved as a test case in “{savedAs}”, in the change set.
            </p>
          ) : null}
          <p className="field-hint">
            Saves the case with this outcome ({answer.result.allowed ? `allowed, lands in ${answer.result.to}` : `refused with ${answer.result.code}`}) into the change set; every publish runs it.
          </p>
        </div>
      ) : null}
    </div>
  );
}

const roleLabel = (roles: { id: string; label: string }[], id: string) => {
  const label = roles.find((r) => r.id === id)?.label ?? id;
  return `A${/^[aeiou]/i.test(label) ? 'n' : ''} ${label}`;
};
