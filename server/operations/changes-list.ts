import { authenticate } from '../middleware/authenticate.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesList: OperationSpec<'changes.list'> = {
  name: 'changes.list',
  method: 'GET',
  genericPath: '/v1/apps/{app}/changes',
  summary: () => 'The change sets of the app by status (default open), newest first',
  auth: 'bearer',
  query: () => ({ status: { type: 'string', enum: ['open', 'scheduled', 'published', 'discarded'], description: 'Default open' } }),
  response: () => ({ status: 200, schema: envelope({ type: 'array', maxItems: 100, items: ref('ChangeSetSummary') }) }),
  errors: ['BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'APP_NOT_FOUND'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.list(call.app, actor, req.query as Record<string, unknown>));
  },
};
