import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { outboxManaged } from './outbox-managed.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const outboxRetry: OperationSpec<'outbox.retry'> = {
  name: 'outbox.retry',
  method: 'POST',
  genericPath: '/v1/apps/{app}/outbox/{id}/retry',
  summary: () => 'Put a dead message back in line with a fresh attempt budget (same idempotency key: never a second message)',
  auth: 'bearer',
  params: () => ({ id: { type: 'string', format: 'uuid', description: 'The outbox message' } }),
  response: () => ({ status: 200, schema: envelope(ref('OutboxRetry')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  servedFor: outboxManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.outboxAdmin.retry(call.app, actor, need(call.id, 'id')), { message: 'Queued for another attempt' });
  },
};
