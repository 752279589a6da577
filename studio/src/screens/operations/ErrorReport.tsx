// The rows an import refused, as the server reports them (CSV: row, column, message): a table to
// read, and the same file to download and fix in a spreadsheet. The report needs the session's
// token, so it is fetched (same origin) and offered as a local file rather than linked.
import { useEffect, useMemo, useState } from 'react';
import { ApiError, describeError, seg } from '../../api.ts';
import { useStudio } from '../../studio-context.tsx';
import { Loading, Panel } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import type { ImportJob } from './ImportJobView.tsx';
import { parseCsv } from './parse-csv.ts';

const SHOWN = 500;

export function ErrorReport({ job }: { job: ImportJob }) {
  const { base, caller } = useStudio();
  const [csv, setCsv] = useState<string>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();

  useEffect(() => {
    const headers: Record<string, string> = { Accept: 'text/csv' };
    if (caller.token) headers.Authorization = `Bearer ${caller.token}`;
    fetch(`${base}/import-jobs/${seg(job.id)}/errors`, { headers })
      .then(async (res) => {
        if (res.ok) return setCsv(await res.text());
        const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
        throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? `The server answered ${res.status}`);
      })
      .catch((err: unknown) => setError(describeError(err)));
  }, [base, caller.token, job.id]);

  const rows = useMemo(() => (csv ? parseCsv(csv.trim()).slice(1) : []), [csv]);
  // A local copy of exactly what the server sent: nothing is fetched to download it.
  const url = useMemo(() => (csv ? URL.createObjectURL(new Blob([csv], { type: 'text/csv' })) : undefined), [csv]);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  return (
    <Panel
      title={`Error report (${rows.length} problem${rows.length === 1 ? '' : 's'})`}
      actions={
        url ? (
          <a className="btn btn-secondary" href={url} download={`${job.import}-import-${job.id.slice(0, 8)}-errors.csv`}>
            Download CSV
          </a>
        ) : null
      }
    >
      {error ? (
        <ErrorBox {...error} />
      ) : !csv ? (
        <Loading what="Loading the error report" />
      ) : (
        <>
          <table className="table error-table">
            <caption className="visually-hidden">Rows the import refused, by row of the file and column</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, SHOWN).map((r, i) => (
                <tr key={i}>
                  <td className="num">{r[0]}</td>
                  <td>
                    <code>{r[1]}</code>
                  </td>
                  <td>{r[2]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length > SHOWN ? <p className="muted">The first {SHOWN} are shown; the download has all {rows.length}.</p> : null}
          <p className="muted">Row numbers count the header as row 1, as a spreadsheet does.</p>
        </>
      )}
    </Panel>
  );
}
