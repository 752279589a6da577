import { authenticate } from '../middleware/authenticate.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const releasesList: OperationSpec<'releases.list'> = {
  name: 'releases.list',
  method: 'GET',
  genericPath: '/v1/apps/{app}/releases',
  summary: () => 'The releases of the app, newest (live) first: who, when, from what (files, an admin, a rollback), and the version of each definition',
  auth: 'bearer',
  response: () => ({ status: 200, schema: envelope({ type: 'array', maxItems: 100, items: ref('Release') }) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'APP_NOT_FOUND'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.releases(call.app, actor));
  },
};
