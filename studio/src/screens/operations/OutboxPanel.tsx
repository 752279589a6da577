// The outbox: messages waiting to go, sent, and the dead letter (undelivered after every attempt, or
// not renderable). A dead message can be put back in line: the same idempotency key goes with it,
// so a vendor that did get it the first time never sends it twice.
import { useCallback, useEffect, useState } from 'react';
import { describeError, seg } from '../../api.ts';
import { useStudio } from '../../studio-context.tsx';
import { Badge, type Tone } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Segmented } from '../../ui/Segmented.tsx';
import { when } from '../../ui/format.ts';
import { Empty, Loading, Panel } from '../../ui/Panel.tsx';
import { ErrorBox } from '../../ui/Problems.tsx';

interface OutboxMessage {
  id: string;
  channel: 'sms' | 'email' | 'event';
  template: string | null;
  recipient: string;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  lastError: string | null;
  provider: string | null;
  providerMessageId: string | null;
  recordId: string | null;
  createdAt: string;
  nextAttemptAt: string;
  sentAt: string | null;
}

type Status = OutboxMessage['status'];
const FILTERS: { status: Status; label: string }[] = [
  { status: 'dead', label: 'Dead letter' },
  { status: 'pending', label: 'Pending' },
  { status: 'sent', label: 'Sent' },
];
const TONE: Record<Status, Tone> = { dead: 'bad', pending: 'warn', sent: 'good' };
const CHANNEL: Record<OutboxMessage['channel'], string> = { sms: 'SMS', email: 'Email', event: 'Event' };

export function OutboxPanel({ status, onStatus }: { status: Status; onStatus(s: Status): void }) {
  const { api, base, notify } = useStudio();
  const [rows, setRows] = useState<OutboxMessage[]>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const [busy, setBusy] = useState<string>();

  const load = useCallback(async () => {
    setError(undefined);
    try {
      setRows(await api.get<OutboxMessage[]>(`${base}/outbox?status=${status}`));
    } catch (err) {
      setError(describeError(err));
    }
  }, [api, base, status]);
  useEffect(() => {
    setRows(undefined);
    void load();
  }, [load]);

  const retry = async (m: OutboxMessage) => {
    setBusy(m.id);
    try {
      await api.post(`${base}/outbox/${seg(m.id)}/retry`);
      notify(`${CHANNEL[m.channel]} to ${m.recipient} is queued for another attempt`, 'success');
      await load();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Panel
      title="Outbox"
      actions={
        <>
          <Segmented label="Show messages that are" value={status} onChange={onStatus} options={FILTERS.map((f) => ({ value: f.status, label: f.label }))} />
          <Button variant="ghost" onClick={() => void load()}>
            Refresh
          </Button>
        </>
      }
    >
      {error ? <ErrorBox {...error} /> : null}
      {!rows ? (
        <Loading what="Loading messages" />
      ) : !rows.length ? (
        <Empty>{status === 'dead' ? 'The dead letter is empty: every message was delivered or is still being tried.' : status === 'pending' ? 'Nothing is waiting to be sent.' : 'No message has been sent yet.'}</Empty>
      ) : (
        <>
          <table className="table outbox-table">
            <caption className="visually-hidden">{FILTERS.find((f) => f.status === status)!.label} messages, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Channel</th>
                <th scope="col">Template</th>
                <th scope="col">To</th>
                <th scope="col" className="num">Attempts</th>
                <th scope="col">{status === 'sent' ? 'Sent' : status === 'pending' ? 'Next attempt' : 'Why'}</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id}>
                  <td className="nowrap">{when(m.createdAt)}</td>
                  <td>
                    <Badge tone="neutral">{CHANNEL[m.channel]}</Badge>
                  </td>
                  <td>{m.template ? <code>{m.template}</code> : <span className="muted">—</span>}</td>
                  <td className="mono">{m.recipient}</td>
                  <td className="num">{m.attempts}</td>
                  <td>
                    {status === 'sent' ? (
                      <>
                        {when(m.sentAt)} {m.provider ? <span className="muted">via {m.provider}</span> : null}
                      </>
                    ) : status === 'pending' ? (
                      <>
                        {when(m.nextAttemptAt)} {m.lastError ? <span className="muted">(last: {m.lastError})</span> : null}
                      </>
                    ) : (
                      <span className="why">{m.lastError ?? 'Undelivered'}</span>
                    )}
                  </td>
                  <td>
                    {m.status === 'dead' ? (
                      <Button busy={busy === m.id} onClick={() => void retry(m)} aria-label={`Retry ${CHANNEL[m.channel]} to ${m.recipient}`}>
                        Retry
                      </Button>
                    ) : (
                      <Badge tone={TONE[m.status]}>{m.status}</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length >= 200 ? <p className="muted">The 200 newest are shown.</p> : null}
        </>
      )}
    </Panel>
  );
}
