import type { Prisma } from '../store/database.ts';
import type { Actor } from '../auth/actor.ts';
import { storableJson, storableText } from '../support/storable-text.ts';

type Tx = Pick<Prisma.TransactionClient, 'auditEntry'>;

export interface AuditInput {
  app: string;
  entity?: string;
  recordId?: string;
  action: string;
  outcome?: 'accepted' | 'refused';
  actor?: Actor;
  before?: unknown;
  after?: unknown;
  detail?: unknown;
  at: Date;
}

// Every attempt is recorded whatever it held: text PostgreSQL cannot store (a NUL from a CSV cell,
// which never passed the JSON edge) is replaced rather than failing the entry.
const json = (v: unknown) => (v === undefined ? undefined : (storableJson(v) as Prisma.InputJsonValue));
const text = (v: string | undefined) => (v === undefined ? undefined : storableText(v));

/** Appends one audit entry; called inside the transaction of the change it describes. */
export async function appendAudit(tx: Tx, entry: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      app: storableText(entry.app),
      entity: text(entry.entity),
      recordId: entry.recordId,
      action: storableText(entry.action),
      outcome: entry.outcome ?? 'accepted',
      actorId: text(entry.actor?.id),
      role: text(entry.actor?.role),
      before: json(entry.before),
      after: json(entry.after),
      detail: json(entry.detail),
      at: entry.at,
    },
  });
}
