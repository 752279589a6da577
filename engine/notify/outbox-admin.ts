// What an operator sees of the outbox: undelivered messages, and a retry that puts a dead
// message back in line with a fresh attempt budget (same idempotency key: never a second message).
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors/app-error.ts';
import type { Registry } from '../registry/compiled-app.ts';
import { resolveApp } from '../registry/resolve-target.ts';
import { UUID_RE } from '../support/uuid.ts';
import type { Database } from '../store/database.ts';

const STATUSES = new Set(['pending', 'sent', 'dead']);

function requireOutboxRole(registry: Registry, appId: string, actor: Actor) {
  const app = resolveApp(registry, appId);
  if (!app.roles[actor.role]?.operations?.outbox) throw new AppError('FORBIDDEN', `Role "${actor.role}" may not manage the outbox`);
  return app;
}

export function createOutboxAdmin(db: Database, registry: () => Registry, clock: () => Date, wake: () => void) {
  return {
    async list(appId: string, actor: Actor, query: Record<string, unknown>) {
      const app = requireOutboxRole(registry(), appId, actor);
      const status = typeof query.status === 'string' ? query.status : 'dead';
      if (!STATUSES.has(status)) throw new AppError('BAD_REQUEST', 'status must be pending, sent or dead', { details: [{ path: '$.query.status', message: 'Unknown status' }] });
      const rows = await db.outboxMessage.findMany({ where: { app: app.id, status }, orderBy: { createdAt: 'desc' }, take: 200 });
      return rows.map((r) => ({
        id: r.id,
        channel: r.channel,
        template: r.template,
        recipient: r.recipient,
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        provider: r.provider,
        providerMessageId: r.providerMessageId,
        recordId: r.recordId,
        createdAt: r.createdAt.toISOString(),
        nextAttemptAt: r.nextAttemptAt.toISOString(),
        sentAt: r.sentAt?.toISOString() ?? null,
      }));
    },

    async retry(appId: string, actor: Actor, id: string) {
      const app = requireOutboxRole(registry(), appId, actor);
      if (!UUID_RE.test(id)) throw new AppError('NOT_FOUND', `No message "${id}"`);
      const { count } = await db.outboxMessage.updateMany({
        where: { id, app: app.id, status: 'dead' },
        data: { status: 'pending', attempts: 0, nextAttemptAt: clock(), lockedUntil: null },
      });
      if (!count) {
        const exists = await db.outboxMessage.findFirst({ where: { id, app: app.id }, select: { status: true } });
        if (!exists) throw new AppError('NOT_FOUND', `No message "${id}"`);
        throw new AppError('CONFLICT', `The message is ${exists.status}, not dead`);
      }
      wake();
      return { id, status: 'pending' };
    },
  };
}
