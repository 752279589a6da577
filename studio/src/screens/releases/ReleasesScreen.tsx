// Apps and releases: the live release, the history (author, time, comment), what any release changed
// against any other in plain language, and rollback with a confirmation.
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../api.ts';
import { useStudio } from '../../studio-context.tsx';
import type { Change, Release } from '../../types.ts';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Changes } from '../../ui/Changes.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Select, TextInput } from '../../ui/Field.tsx';
import { when } from '../../ui/format.ts';
import { Empty, Loading, Panel, ScreenHeader } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import type { ScreenProps } from '../screen-registry.ts';

interface ReleaseDiff {
  release: number;
  against: number | null;
  definitions: { kind: string; name: string; file: string; changes: Change[] }[];
}

const SOURCE: Record<Release['source'], string> = { files: 'From the files', admin: 'Published', rollback: 'Rollback' };

export default function ReleasesScreen(_props: ScreenProps) {
  const { api, base, app, reloadLive, notify } = useStudio();
  const [releases, setReleases] = useState<Release[]>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const [diff, setDiff] = useState<ReleaseDiff>();
  const [rollbackTo, setRollbackTo] = useState<Release>();

  const load = useCallback(async () => {
    try {
      const list = await api.get<Release[]>(`${base}/releases`);
      setReleases(list);
      setTo((t) => t ?? list[0]?.number);
      setFrom((f) => f ?? list[1]?.number ?? list[0]?.number);
    } catch (err) {
      setError(describeError(err));
    }
  }, [api, base]);
  useEffect(() => void load(), [load]);

  useEffect(() => {
    if (!to) return;
    setDiff(undefined);
    api.get<ReleaseDiff>(`${base}/releases/${to}/diff${from && from !== to ? `?against=${from}` : ''}`).then(setDiff, (err: unknown) => setError(describeError(err)));
  }, [api, base, from, to]);

  if (error) return <ErrorBox {...error} />;
  if (!releases) return <Loading what="Loading releases" />;
  const live = releases[0];
  const options = releases.map((r) => ({ value: String(r.number), label: `Release ${r.number} — ${SOURCE[r.source]}${r.comment ? `: ${r.comment}` : ''}` }));
  return (
    <>
      <ScreenHeader title="Releases" subtitle={`${app.name}: what runs is always a release. Every release is kept; rolling back makes a new release equal to an old one.`} />
      <Panel title={live ? `Live: release ${live.number}` : 'No release yet'}>
        {live ? (
          <p>
            <Badge tone="good">Live</Badge> {SOURCE[live.source]} by <strong>{live.createdByName ?? live.createdBy}</strong> on {when(live.createdAt)}
            {live.comment ? <> — “{live.comment}”</> : null}
          </p>
        ) : (
          <Empty>The app has no release.</Empty>
        )}
      </Panel>
      <div className="columns">
        <Panel title="History">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Release</th>
                <th scope="col">How</th>
                <th scope="col">By and when</th>
                <th scope="col">Comment</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {releases.map((r) => (
                <tr key={r.number}>
                  <td>
                    {r.number} {r === live ? <Badge tone="good">Live</Badge> : null}
                  </td>
                  <td>{SOURCE[r.source]}</td>
                  <td>
                    {r.createdByName ?? r.createdBy}
                    <br />
                    <span className="muted">{when(r.createdAt)}</span>
                  </td>
                  <td>{r.comment ?? <span className="muted">—</span>}</td>
                  <td>
                    {r !== live ? (
                      <Button variant="danger" onClick={() => setRollbackTo(r)} aria-label={`Roll back to release ${r.number}`}>
                        Roll back…
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
        <Panel title="Compare releases">
          <div className="inline-fields">
            <Select label="From" value={String(from ?? '')} options={options} onChange={(e) => setFrom(Number(e.target.value))} />
            <Select label="To" value={String(to ?? '')} options={options} onChange={(e) => setTo(Number(e.target.value))} />
          </div>
          <div aria-live="polite">
            {!diff ? (
              <Loading what="Comparing" />
            ) : !diff.definitions.length ? (
              <Empty>{diff.against === null ? 'Nothing before this release.' : `Release ${diff.release} and release ${diff.against} hold the same definitions.`}</Empty>
            ) : (
              diff.definitions.map((d) => (
                <div key={`${d.kind}/${d.name}`} className="diff-definition">
                  <h3>
                    {d.kind} <code>{d.name}</code> <span className="muted">({d.file})</span>
                  </h3>
                  <Changes changes={d.changes} />
                </div>
              ))
            )}
          </div>
        </Panel>
      </div>
      {rollbackTo ? (
        <RollbackDialog
          release={rollbackTo}
          onClose={() => setRollbackTo(undefined)}
          onDone={async (n) => {
            setRollbackTo(undefined);
            notify(`Rolled back: release ${n} is live`, 'success');
            await Promise.all([load(), reloadLive()]);
          }}
        />
      ) : null}
    </>
  );
}

function RollbackDialog({ release, onClose, onDone }: { release: Release; onClose: () => void; onDone: (n: number) => Promise<void> }) {
  const { api, base } = useStudio();
  const [comment, setComment] = useState(`Roll back to release ${release.number}`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const made = await api.post<Release>(`${base}/releases/${release.number}/rollback`, { comment });
      await onDone(made.number);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      title={`Roll back to release ${release.number}?`}
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" busy={busy} onClick={confirm}>
            Roll back now
          </Button>
        </>
      }
    >
      <p>A new release equal to release {release.number} goes live in every process at once. It is checked as any publish is: the saved test cases must pass, and records in states it lacks need a mapping.</p>
      <TextInput label="Comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
      {error ? <ErrorBox {...error} /> : null}
    </Dialog>
  );
}
