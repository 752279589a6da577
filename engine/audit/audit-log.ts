import type { Prisma } from '../store/database.ts';
import type { Actor } from '../auth/actor.ts';

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

const json = (v: unknown) => (v === undefined ? undefined : (v as Prisma.InputJsonValue));

/** Appends one audit entry; called inside the transaction of the change it describes. */
export async function appendAudit(tx: Tx, entry: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      app: entry.app,
      entity: entry.entity,
      recordId: entry.recordId,
      action: entry.action,
      outcome: entry.outcome ?? 'accepted',
      actorId: entry.actor?.id,
      role: entry.actor?.role,
      before: json(entry.before),
      after: json(entry.after),
      detail: json(entry.detail),
      at: entry.at,
    },
  });
}
