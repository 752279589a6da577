import { authenticate } from '../middleware/authenticate.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { outboxManaged } from './outbox-managed.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

// Operations: the dead letter of the outbox (roles with operations.outbox).
export const outboxList: OperationSpec<'outbox.list'> = {
  name: 'outbox.list',
  method: 'GET',
  genericPath: '/v1/apps/{app}/outbox',
  summary: () => 'Messages of the outbox by status (default dead: undelivered after every attempt), newest first',
  auth: 'bearer',
  query: () => ({ status: { type: 'string', enum: ['dead', 'pending', 'sent'], description: 'Default dead' } }),
  response: () => ({ status: 200, schema: envelope({ type: 'array', maxItems: 200, items: ref('OutboxMessage') }) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'APP_NOT_FOUND'],
  servedFor: outboxManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.outboxAdmin.list(call.app, actor, req.query as Record<string, unknown>));
  },
};
