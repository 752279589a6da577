// Change sets: what is in one, its problems, what it changes in plain language, its test results,
// approvals, and publishing now or at a time. Nothing an admin does here touches production until
// it is published, and publishing is refused while anything would break.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { describeError, seg } from '../../api.ts';
import { href, navigate } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import type { ChangeSet, ChangeSetSummary, TestRun } from '../../types.ts';
import { Badge, type Tone } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Segmented } from '../../ui/Segmented.tsx';
import { Changes } from '../../ui/Changes.tsx';
import { TextArea, TextInput } from '../../ui/Field.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { when } from '../../ui/format.ts';
import { Empty, Loading, Panel, ScreenHeader } from '../../ui/Panel.tsx';
import { ErrorBox, Problems } from '../../ui/Problems.tsx';
import type { ScreenProps } from '../screen-registry.ts';
import { PublishBar } from './PublishBar.tsx';

const STATUS_TONE: Record<ChangeSet['status'], Tone> = { open: 'info', scheduled: 'warn', published: 'good', discarded: 'neutral' };
const STATUSES: ChangeSet['status'][] = ['open', 'scheduled', 'published', 'discarded'];

export default function ChangesScreen({ rest }: ScreenProps) {
  return rest[0] ? <ChangeSetView id={rest[0]} /> : <ChangeSetList />;
}

function ChangeSetList() {
  const { api, base, app, openChangeSet, notify } = useStudio();
  const [status, setStatus] = useState<ChangeSet['status']>('open');
  const [rows, setRows] = useState<ChangeSetSummary[]>();
  const [title, setTitle] = useState('');
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  useEffect(() => {
    setRows(undefined);
    api.get<ChangeSetSummary[]>(`${base}/changes?status=${status}`).then(setRows, (err: unknown) => setError(describeError(err)));
  }, [api, base, status]);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const cs = await openChangeSet(title.trim());
      notify(`Change set “${cs.title}” opened: edits in the Studio go into it`, 'success');
      navigate(href(app.id, 'changes', cs.id));
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <>
      <ScreenHeader title="Change sets" subtitle="Edits go into a change set; it goes live as one release when published." />
      <Panel title="Open a change set">
        <form className="inline-fields" onSubmit={create}>
          <TextInput label="Title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. Customers may accept straight to won" />
          <Button type="submit" variant="primary" disabled={!title.trim()}>
            Open change set
          </Button>
        </form>
      </Panel>
      {error ? <ErrorBox {...error} /> : null}
      <Panel
        title="Change sets"
        actions={
          <Segmented label="Show change sets that are" value={status} onChange={setStatus} options={STATUSES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))} />
        }
      >
        {!rows ? (
          <Loading />
        ) : !rows.length ? (
          <Empty>No {status} change sets.</Empty>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Opened</th>
                <th scope="col">Release</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={href(app.id, 'changes', r.id)}>{r.title}</a>
                  </td>
                  <td>
                    <Badge tone={STATUS_TONE[r.status]}>{r.status}</Badge>
                  </td>
                  <td>
                    {r.createdByName ?? r.createdBy}, {when(r.createdAt)} <span className="muted">on release {r.baseRelease}</span>
                  </td>
                  <td>{r.release ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}

function ChangeSetView({ id }: { id: string }) {
  const { api, base, app, session, changeSet: current, selectChangeSet, rights, notify } = useStudio();
  const [cs, setCs] = useState<ChangeSet>();
  const [tests, setTests] = useState<TestRun>();
  const [testsError, setTestsError] = useState<ReturnType<typeof describeError>>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const [busy, setBusy] = useState<string>();
  const [asking, setAsking] = useState(false);
  const [request, setRequest] = useState('');

  const load = useCallback(async () => {
    try {
      const loaded = await api.get<ChangeSet>(`${base}/changes/${seg(id)}`);
      setCs(loaded);
      if (loaded.status === 'open' && loaded.definitions.length) {
        api.get<TestRun>(`${base}/changes/${seg(id)}/tests`).then(
          (run) => {
            setTests(run);
            setTestsError(undefined);
          },
          (err: unknown) => setTestsError(describeError(err)),
        );
      }
    } catch (err) {
      setError(describeError(err));
    }
  }, [api, base, id]);
  useEffect(() => void load(), [load, current?.updatedAt]);

  const act = async (what: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(what);
    setError(undefined);
    try {
      await fn();
      notify(done, 'success');
      await load();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };

  if (error && !cs) return <ErrorBox {...error} />;
  if (!cs) return <Loading what="Loading the change set" />;
  const working = current?.id === cs.id;
  const approvedByMe = cs.approvals.given.some((a) => a.actorId === session.user.id);
  return (
    <>
      <ScreenHeader
        title={cs.title}
        subtitle={
          <>
            <Badge tone={STATUS_TONE[cs.status]}>{cs.status}</Badge> opened by {cs.createdByName ?? cs.createdBy} {when(cs.createdAt)} on release {cs.baseRelease}
            {cs.release ? <> · published as release {cs.release}</> : null}
            {cs.publishAt ? <> · publishes at {when(cs.publishAt)}</> : null}
          </>
        }
        actions={
          cs.status === 'open' ? (
            <>
              {working ? <Badge tone="info">You are working in this change set</Badge> : <Button onClick={() => void selectChangeSet(cs.id)}>Work in this change set</Button>}
              <Button variant="danger" busy={busy === 'discard'} onClick={() => act('discard', async () => { await api.post(`${base}/changes/${seg(cs.id)}/discard`); if (working) await selectChangeSet(null); }, 'Change set discarded')}>
                Discard
              </Button>
            </>
          ) : null
        }
      />
      <p>
        <a href={href(app.id, 'changes')}>← All change sets</a>
      </p>
      {error ? <ErrorBox {...error} /> : null}
      {cs.scheduleError ? <ErrorBox message={`The scheduled publish was refused: ${cs.scheduleError}`} /> : null}
      <div className="columns">
        <Panel title={`What it changes (${cs.definitions.length})`}>
          {!cs.definitions.length ? (
            <Empty>Nothing yet. Edit a status matrix, a template or any definition while working in this change set.</Empty>
          ) : (
            cs.definitions.map((d) => (
              <div key={`${d.kind}/${d.name}`}>
                <h3>
                  {d.kind} <code>{d.name}</code> {d.removed ? <Badge tone="bad">removed</Badge> : null} {d.stale ? <Badge tone="warn">released by someone else since</Badge> : null}
                </h3>
                <Changes changes={d.changes} empty="Same as the live release." />
              </div>
            ))
          )}
        </Panel>
        <div>
          <Panel title="Problems">
            <Problems problems={cs.problems} empty="No problems: the whole app checks out with this change set applied." />
          </Panel>
          <Panel title="Saved test cases">
            {cs.status !== 'open' || !cs.definitions.length ? (
              <Empty>Run against an open change set that changes something.</Empty>
            ) : testsError ? (
              <ErrorBox {...testsError} />
            ) : !tests ? (
              <Loading what="Running the saved test cases" />
            ) : (
              <TestResults run={tests} />
            )}
          </Panel>
        </div>
      </div>
      <Panel title={`Approvals (${cs.approvals.given.length} of ${cs.approvals.needed} needed)`}>
        {cs.approvals.given.length ? (
          <ul>
            {cs.approvals.given.map((a) => (
              <li key={a.actorId}>
                Approved by {a.name ?? a.actorId} ({a.role}) on {when(a.at)}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{cs.approvals.needed ? 'No approval yet. An approval holds for this exact content: any edit resets it.' : 'This app publishes without approval.'}</p>
        )}
        {cs.reviews.length ? (
          <ul className="reviews">
            {cs.reviews.map((r) => (
              <li key={`${r.actorId}/${r.at}`}>
                <Badge tone={r.current ? 'bad' : 'neutral'}>{r.current ? 'Changes requested' : 'Earlier request'}</Badge> {r.name ?? r.actorId} ({r.role}), {when(r.at)}: “{r.comment}”
              </li>
            ))}
          </ul>
        ) : null}
        {cs.status === 'open' && cs.approvals.needed > 0 && rights.approve && !approvedByMe ? (
          <div className="row">
            <Button busy={busy === 'approve'} onClick={() => act('approve', () => api.post(`${base}/changes/${seg(cs.id)}/approve`, { contentHash: cs.contentHash }), 'Approved')}>
              Approve this content
            </Button>
            <Button onClick={() => setAsking(true)}>Request changes…</Button>
          </div>
        ) : null}
      </Panel>
      <Dialog
        open={asking}
        title="Request changes"
        onClose={() => setAsking(false)}
        actions={
          <>
            <Button onClick={() => setAsking(false)}>Cancel</Button>
            <Button
              variant="primary"
              disabled={!request.trim()}
              busy={busy === 'request'}
              onClick={() => act('request', () => api.post(`${base}/changes/${seg(cs.id)}/request-changes`, { comment: request.trim(), contentHash: cs.contentHash }), 'Changes requested').then(() => { setAsking(false); setRequest(''); })}
            >
              Send the request
            </Button>
          </>
        }
      >
        <p>This content cannot be published until the change set is edited.</p>
        <TextArea label="What should change?" value={request} onChange={(e) => setRequest(e.target.value)} maxLength={2000} />
      </Dialog>
      {cs.status === 'open' && rights.publish ? (
        <Panel title="Publish">
          <PublishBar changeSet={cs} onPublished={() => void load()} />
        </Panel>
      ) : null}
    </>
  );
}

export function TestResults({ run }: { run: TestRun }) {
  return (
    <div className="stack">
      <p>
        <Badge tone={run.failed.length ? 'bad' : 'good'}>{run.failed.length ? `${run.failed.length} failing` : 'All passing'}</Badge> {run.passed} passed, {run.failed.length} failed
      </p>
      {run.failed.length ? (
        <ul className="problems">
          {run.failed.map((f) => (
            <li key={`${f.test}/${f.case}`} className="problem-error">
              <strong>{f.test}:</strong> “{f.case}” — {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {run.coverage.untested.length ? (
        <details>
          <summary>{run.coverage.untested.length} moves no case tests</summary>
          <ul>
            {run.coverage.untested.map((m) => (
              <li key={`${m.workflow}/${m.from}/${m.event}/${m.to}`}>
                {m.workflow}: {m.from} → {m.to} <span className="muted">({m.event}; {m.roles.join(', ') || 'no role'})</span>
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p className="muted">Every move is tested by a case.</p>
      )}
    </div>
  );
}
