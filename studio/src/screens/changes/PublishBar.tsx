// Publishing a change set: now or at a time. Disabled, with the reason in words, while the change set
// has problems or lacks approvals: a business admin cannot publish what would break production.
import { useState } from 'react';
import { ApiError, describeError } from '../../api.ts';
import { useStudio } from '../../studio-context.tsx';
import type { ChangeSet, Release } from '../../types.ts';
import { Button } from '../../ui/Button.tsx';
import { TextInput } from '../../ui/Field.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';

export function blockers(cs: ChangeSet): string[] {
  const out: string[] = [];
  const errors = cs.problems.filter((p) => p.severity !== 'warning').length;
  if (cs.status !== 'open') out.push(`The change set is ${cs.status}`);
  if (!cs.definitions.length) out.push('It changes nothing yet');
  if (errors) out.push(`${errors} problem${errors === 1 ? '' : 's'} to fix first`);
  if (cs.definitions.some((d) => d.stale)) out.push('Someone released some of its definitions since it was opened');
  if (cs.reviews.some((r) => r.current)) out.push('Changes were requested on this content');
  if (cs.approvals.given.length < cs.approvals.needed) out.push(`Needs ${cs.approvals.needed - cs.approvals.given.length} more approval${cs.approvals.needed - cs.approvals.given.length === 1 ? '' : 's'}`);
  return out;
}

export function PublishBar({ changeSet, onPublished }: { changeSet: ChangeSet; onPublished?: (r: Release | ChangeSet) => void }) {
  const { api, base, notify, reloadLive, selectChangeSet } = useStudio();
  const [comment, setComment] = useState('');
  const [at, setAt] = useState('');
  const [mappings, setMappings] = useState<Record<string, Record<string, string>>>({});
  const [needsMapping, setNeedsMapping] = useState<{ workflow: string; state: string; count: number }[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const reasons = blockers(changeSet);

  const publish = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body = { ...(comment ? { comment } : {}), ...(at ? { at: new Date(at).toISOString() } : {}), ...(Object.keys(mappings).length ? { mappings } : {}) };
      const result = await api.post<Release | ChangeSet>(`${base}/changes/${changeSet.id}/publish`, body);
      if ('number' in result) {
        notify(`Published: release ${result.number} is live`, 'success');
        await reloadLive();
        await selectChangeSet(null);
      } else {
        notify(`Scheduled for ${new Date(result.publishAt ?? '').toLocaleString()}`, 'success');
        await selectChangeSet(result.id);
      }
      onPublished?.(result);
    } catch (err) {
      // Records in states the change removes: ask where each goes.
      if (err instanceof ApiError && err.status === 409 && (err.data as { counts?: unknown })?.counts) {
        const counts = (err.data as { counts: Record<string, Record<string, number>> }).counts;
        setNeedsMapping(Object.entries(counts).flatMap(([workflow, byState]) => Object.entries(byState).map(([state, count]) => ({ workflow, state, count }))));
      }
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="publish-bar stack">
      <div className="inline-fields">
        <TextInput label="Comment for the release" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
        <TextInput label="Publish at (optional)" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} hint="Leave empty to publish now" />
      </div>
      {needsMapping.length ? (
        <fieldset className="stack">
          <legend>Records are in states this change removes: where does each go?</legend>
          {needsMapping.map((m) => (
            <TextInput
              key={`${m.workflow}/${m.state}`}
              label={`${m.count} record${m.count === 1 ? '' : 's'} in “${m.state}” (${m.workflow}) move to`}
              value={mappings[m.workflow]?.[m.state] ?? ''}
              onChange={(e) => setMappings((old) => ({ ...old, [m.workflow]: { ...old[m.workflow], [m.state]: e.target.value } }))}
            />
          ))}
        </fieldset>
      ) : null}
      <div className="row">
        <Button variant="primary" busy={busy} disabled={reasons.length > 0} onClick={publish} aria-describedby={reasons.length ? 'publish-blockers' : undefined}>
          {at ? 'Schedule publish' : 'Publish now'}
        </Button>
        {reasons.length ? (
          <span id="publish-blockers" className="muted">
            Cannot publish: {reasons.join('; ')}.
          </span>
        ) : (
          <span className="muted">Checked again when published: problems, saved test cases, records in removed states.</span>
        )}
      </div>
      {error ? <ErrorBox {...error} /> : null}
    </div>
  );
}
