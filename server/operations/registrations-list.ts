import { authenticate } from '../middleware/authenticate.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';
import { registrationsServed } from './registrations-served.ts';

export const registrationsList: OperationSpec<'registrations.list'> = {
  name: 'registrations.list',
  method: 'GET',
  genericPath: '/v1/apps/{app}/registrations',
  summary: (t) => `Registrations to ${t.app.name} awaiting a decision (or the rejected ones), oldest first, at most 500; for the roles that decide them`,
  auth: 'bearer',
  query: () => ({ status: { type: 'string', enum: ['pending', 'rejected'], description: 'pending (default) or rejected' } }),
  response: () => ({ status: 200, schema: envelope({ type: 'array', maxItems: 500, items: ref('User') }) }),
  errors: ['BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: registrationsServed,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.registrations.list(call.app, actor, req.query as Record<string, unknown>));
  },
};
