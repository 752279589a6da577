// Starting a CSV import: choose the import and a file, then the client flow every client uses —
// a signed upload URL, the file PUT to it (with its own progress), and the registration that queues
// the background job. What each row may do is the engine's business, as on every other route.
import { useState, type FormEvent } from 'react';
import { describeError, seg } from '../../api.ts';
import { href, navigate } from '../../router.ts';
import { useStudio } from '../../studio-context.tsx';
import { Button } from '../../ui/Button.tsx';
import { Field, Select } from '../../ui/Field.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import { formatBytes, uploadFile, type UploadTarget } from './upload-file.ts';

export interface ImportDefinition {
  name: string;
  label?: string;
  entity: string;
  mode: string;
  key: string;
  columns: Record<string, unknown>;
  required?: string[];
  maxBytes?: number;
}

interface Job {
  id: string;
}

export function ImportForm({ imports }: { imports: ImportDefinition[] }) {
  const { api, base, app, notify } = useStudio();
  const [name, setName] = useState(imports[0]?.name ?? '');
  const [file, setFile] = useState<File>();
  const [phase, setPhase] = useState<string>();
  const [sent, setSent] = useState<{ sent: number; total: number }>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const def = imports.find((i) => i.name === name);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (!file || !def) return;
    setError(undefined);
    try {
      setPhase('Asking for an upload URL');
      const target = await api.get<UploadTarget>(`${base}/imports/${seg(def.name)}/upload-url`);
      setPhase('Uploading the file');
      setSent({ sent: 0, total: file.size });
      await uploadFile(target, file, (s, total) => setSent({ sent: s, total }));
      setPhase('Registering the import');
      const job = await api.post<Job>(`${base}/imports/${seg(def.name)}/register`, { blobName: target.blobName });
      notify(`Import of ${file.name} queued`, 'success');
      navigate(href(app.id, 'operations', 'imports', job.id));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setPhase(undefined);
      setSent(undefined);
    }
  };

  if (!def) return null;
  const required = new Set(def.required ?? []);
  // Required columns first, then by name (the stored definition keeps no column order).
  const columns = Object.keys(def.columns).sort((a, b) => Number(required.has(b)) - Number(required.has(a)) || a.localeCompare(b));
  return (
    <form className="stack import-form" onSubmit={(e) => void start(e)}>
      <div className="inline-fields">
        <Select label="Import" value={name} onChange={(e) => setName(e.target.value)} options={imports.map((i) => ({ value: i.name, label: i.label ?? i.name }))} />
        <Field label="CSV file" hint={`Up to ${formatBytes(def.maxBytes ?? 50 * 1024 * 1024)}, first line the column names.`}>
          {(id, d) => <input id={id} aria-describedby={d} type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0])} />}
        </Field>
        <Button type="submit" variant="primary" busy={Boolean(phase)} disabled={!file}>
          Upload and import
        </Button>
      </div>
      <p className="muted columns-hint">
        {def.mode === 'upsert' ? 'Adds or updates' : 'Updates'} {def.entity} records matched on <code>{def.key}</code>. Columns:{' '}
        {columns.map((c, i) => (
          <span key={c}>
            <code>{c}</code>
            {required.has(c) ? ' (required)' : ''}
            {i < columns.length - 1 ? ', ' : ''}
          </span>
        ))}
        .
      </p>
      <div role="status" aria-live="polite">
        {phase ? (
          <p className="phase">
            {phase}
            {sent && phase === 'Uploading the file' ? ` — ${formatBytes(sent.sent)} of ${formatBytes(sent.total)}` : ''}…
          </p>
        ) : null}
      </div>
      {error ? <ErrorBox {...error} /> : null}
    </form>
  );
}
