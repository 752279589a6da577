// One import job, watched until it ends: a progress bar with "n of m rows", then what was applied
// and refused, and the error report (row, column, message) as a table with a download. The job's id
// is in the URL, so a reload (or a link sent to a colleague) watches the same job.
import { useEffect, useState } from 'react';
import { ApiError, describeError, seg } from '../../api.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge, type Tone } from '../../ui/Badge.tsx';
import { when } from '../../ui/format.ts';
import { Loading, Panel } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import { ErrorReport } from './ErrorReport.tsx';

export interface ImportJob {
  id: string;
  import: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  totalRows: number | null;
  rowsDone: number;
  rowsApplied: number;
  rowsFailed: number;
  percent: number;
  message: string | null;
  errorReport: boolean;
  createdAt: string;
  updatedAt: string;
}

const TONE: Record<ImportJob['status'], Tone> = { queued: 'neutral', running: 'info', completed: 'good', failed: 'bad' };
const POLL_MS = 600;

export function ImportJobView({ id, label }: { id: string; label: (name: string) => string }) {
  const { api, base } = useStudio();
  const [job, setJob] = useState<ImportJob>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const j = await api.get<ImportJob>(`${base}/import-jobs/${seg(id)}`);
        if (stopped) return;
        setJob(j);
        setError(undefined);
        if (j.status === 'queued' || j.status === 'running') timer = setTimeout(() => void poll(), POLL_MS);
      } catch (err) {
        if (stopped) return;
        setError(describeError(err));
        // A passing network hiccup should not end the watch; a refusal (404, 403) does.
        if (err instanceof ApiError && err.status === 0) timer = setTimeout(() => void poll(), POLL_MS * 4);
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, base, id]);

  if (!job) return error ? <ErrorBox {...error} /> : <Loading what="Loading the import" />;
  const total = job.totalRows;
  const done = job.status === 'completed' || job.status === 'failed';
  const rowsText = total === null ? (done ? `${job.rowsDone} rows` : 'Counting the rows') : `${job.rowsDone} of ${total} rows`;
  return (
    <>
      <Panel
        title={
          <>
            {label(job.import)} <Badge tone={TONE[job.status]}>{job.status}</Badge>
          </>
        }
      >
        <div className="stack">
          <div className="progress-row">
            <div
              className={`progress progress-${job.status}`}
              role="progressbar"
              aria-label="Rows imported"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={job.percent}
              aria-valuetext={`${rowsText} (${job.percent} %)`}
            >
              <div className="progress-fill" style={{ width: `${job.percent}%` }} />
            </div>
            <span className="progress-text" aria-hidden="true">
              {job.percent} %
            </span>
          </div>
          {/* Announced when it changes: the phase and the row count, not every repaint. */}
          <p role="status" aria-live="polite" className="progress-caption">
            {done ? (job.message ?? `${rowsText}, ${job.status}`) : `${rowsText} — ${job.status === 'queued' ? 'waiting to start' : 'importing'}`}
          </p>
          {done ? (
            <dl className="job-facts">
              <div>
                <dt>Applied</dt>
                <dd>
                  <Badge tone="good">{job.rowsApplied}</Badge>
                </dd>
              </div>
              <div>
                <dt>Refused</dt>
                <dd>
                  <Badge tone={job.rowsFailed ? 'bad' : 'neutral'}>{job.rowsFailed}</Badge>
                </dd>
              </div>
              <div>
                <dt>Registered</dt>
                <dd>{when(job.createdAt)}</dd>
              </div>
              <div>
                <dt>Finished</dt>
                <dd>{when(job.updatedAt)}</dd>
              </div>
            </dl>
          ) : null}
          {error ? <ErrorBox {...error} /> : null}
        </div>
      </Panel>
      {job.status === 'completed' && job.errorReport ? <ErrorReport job={job} /> : null}
      {job.status === 'completed' && !job.errorReport ? <p className="ok-line">✓ Every row was applied: there is no error report.</p> : null}
    </>
  );
}
