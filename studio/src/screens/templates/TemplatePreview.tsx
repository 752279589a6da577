// The template as a recipient would get it, rendered by the engine (never here) with a real record:
// against the change set being worked in when it holds this template, else against the live release.
// The HTML goes into a sandboxed frame with no scripts, no same-origin rights and the Studio's own
// CSP inherited, so an email's markup can neither run nor fetch anything.
import { useEffect, useState } from 'react';
import { describeError, seg } from '../../api.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Select } from '../../ui/Field.tsx';
import { Empty, Loading } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';
import { previewData, previewEntity, type Use } from './template-usage.ts';

interface Rendered {
  subject?: string;
  text: string;
  html?: string;
}

type Row = Record<string, unknown> & { id: string };

/** A record as people tell it apart in a list: a name-like field, else its id. */
function recordLabel(r: Row): string {
  for (const key of ['name', 'title', 'label', 'invoiceNumber', 'sku', 'email', 'phone', 'customerPhone', 'storeId']) {
    const v = r[key];
    if (typeof v === 'string' && v) return `${v} · ${r.id.slice(0, 8)}`;
  }
  return r.id;
}

/** `blocked`: the draft has problems; the engine renders a change set's candidate only once it checks out. */
export function TemplatePreview({ name, uses, version, blocked }: { name: string; uses: Use[]; version: string; blocked: boolean }) {
  const studio = useStudio();
  const { api, base, changeSet } = studio;
  const entity = previewEntity(uses);
  const [records, setRecords] = useState<Row[]>();
  const [recordsError, setRecordsError] = useState<string>();
  const [recordId, setRecordId] = useState<string>('');
  const [out, setOut] = useState<Rendered>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const inChangeSet = Boolean(changeSet?.definitions.some((d) => d.kind === 'template' && d.name === name));

  useEffect(() => {
    setRecords(undefined);
    setRecordsError(undefined);
    if (!entity) return;
    api.get<{ items: Row[] }>(`${base}/records/${seg(entity)}?limit=20`).then(
      (page) => {
        setRecords(page.items);
        setRecordId((id) => (page.items.some((r) => r.id === id) ? id : (page.items[0]?.id ?? '')));
      },
      (err: unknown) => setRecordsError(describeError(err).message),
    );
  }, [api, base, entity]);

  const record = records?.find((r) => r.id === recordId);
  const waitingForRecord = Boolean(entity) && !recordsError && (!records || (records.length > 0 && !record));

  useEffect(() => {
    if (waitingForRecord || (entity && !record) || (blocked && inChangeSet)) return;
    let current = true;
    setError(undefined);
    const path = inChangeSet && changeSet ? `${base}/changes/${seg(changeSet.id)}/simulate` : `${base}/simulate`;
    api.post<Rendered>(path, { kind: 'template', template: name, data: previewData(studio, uses, record) }).then(
      (r) => current && setOut(r),
      (err: unknown) => {
        if (!current) return;
        setOut(undefined);
        setError(describeError(err));
      },
    );
    return () => {
      current = false;
    };
    // `version` changes when the template is saved: the engine renders the saved draft.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, base, name, record, inChangeSet, changeSet?.id, version, waitingForRecord, blocked]);

  return (
    <div className="stack preview">
      <p className="muted preview-source">
        Rendered by the engine from {inChangeSet ? <Badge tone="info">the change set’s draft</Badge> : <Badge tone="good">the live release</Badge>}
        {inChangeSet ? null : ' (save to preview your edits)'}
      </p>
      {entity ? (
        recordsError ? (
          <ErrorBox message={`The ${entity} records could not be listed: ${recordsError}`} />
        ) : !records ? (
          <Loading what={`Loading ${entity} records`} />
        ) : !records.length ? (
          <Empty>There is no {entity} record to preview with yet.</Empty>
        ) : (
          <Select label={`Preview with ${entity}`} value={recordId} onChange={(e) => setRecordId(e.target.value)} options={records.map((r) => ({ value: r.id, label: recordLabel(r) }))} hint="One of the 20 newest records you may see." />
        )
      ) : uses[0] ? (
        <p className="muted">{uses[0].kind === 'otp' ? 'Previewed with the code 123456.' : 'Previewed with a sample import job.'}</p>
      ) : (
        <p className="muted">No workflow, OTP policy or import sends this template yet.</p>
      )}
      <div aria-live="polite" className="stack">
        {blocked && inChangeSet ? (
          <p className="muted preview-blocked">The preview comes back once the problems listed under Check are fixed and saved.</p>
        ) : error ? (
          <ErrorBox {...error} />
        ) : !out ? (
          entity && records && !records.length ? null : <Loading what="Rendering" />
        ) : (
          <>
            {out.subject !== undefined ? (
              <div className="preview-part">
                <span className="preview-label">Subject</span>
                <p className="preview-subject" data-testid="preview-subject">{out.subject}</p>
              </div>
            ) : null}
            <div className="preview-part">
              <span className="preview-label">{out.html !== undefined ? 'Text version' : 'Message'}</span>
              <p className="preview-text" data-testid="preview-text">{out.text}</p>
            </div>
            {out.html !== undefined ? (
              <div className="preview-part">
                <span className="preview-label">HTML</span>
                {/* sandbox="" : no scripts, no forms, an opaque origin; srcdoc: nothing is fetched to show it. */}
                <iframe className="preview-html" title={`HTML preview of ${name}`} sandbox="" srcDoc={out.html} />
              </div>
            ) : null}
          </>
        )}
      </div>
    </div>
  );
}
