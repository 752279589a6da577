// Outbox rows by status, for the metrics' gauges: counted in the database at scrape time (cached by
// the metrics module) rather than kept as counters, because any process (an API, a worker, an admin
// retrying a dead message) changes them and a counter in one process would see only its own part.
import type { Database } from '../store/database.ts';
import type { OutboxCounts } from '../support/metrics.ts';

export async function countOutbox(db: Database): Promise<OutboxCounts> {
  // Both statuses are the leading column of outbox_messages_status_next_attempt_at_idx: an index-only count.
  const { rows } = await db.sql.query<{ pending: string; dead: string }>({
    name: 'rulepath-outbox-counts',
    text: `SELECT (SELECT count(*) FROM outbox_messages WHERE status = 'pending') AS pending,
                  (SELECT count(*) FROM outbox_messages WHERE status = 'dead') AS dead`,
  });
  return { pending: Number(rows[0]!.pending), dead: Number(rows[0]!.dead) };
}
