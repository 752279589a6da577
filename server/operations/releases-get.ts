import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { RELEASE_NUMBER } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const releasesGet: OperationSpec<'releases.get'> = {
  name: 'releases.get',
  method: 'GET',
  genericPath: '/v1/apps/{app}/releases/{number}',
  summary: () => 'One release with the authored content of each of its definitions',
  auth: 'bearer',
  params: () => ({ number: RELEASE_NUMBER }),
  response: () => ({ status: 200, schema: envelope(ref('Release')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.release(call.app, actor, need(call.params?.number, 'number')));
  },
};
