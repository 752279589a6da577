import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { RELEASE_NUMBER } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const releasesDiff: OperationSpec<'releases.diff'> = {
  name: 'releases.diff',
  method: 'GET',
  genericPath: '/v1/apps/{app}/releases/{number}/diff',
  summary: () => 'What release {number} changed against another release (default: the one before it), per definition, in plain-language sentences',
  auth: 'bearer',
  params: () => ({ number: RELEASE_NUMBER }),
  query: () => ({ against: { type: 'integer', minimum: 1, description: 'The release to compare with (default: {number} - 1)' } }),
  response: () => ({ status: 200, schema: envelope(ref('ReleaseDiff')) }),
  errors: ['BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.diff(call.app, actor, need(call.params?.number, 'number'), req.query as Record<string, unknown>));
  },
};
