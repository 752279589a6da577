import { ROLLBACK_BODY_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { RELEASE_NUMBER } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const releasesRollback: OperationSpec<'releases.rollback'> = {
  name: 'releases.rollback',
  method: 'POST',
  genericPath: '/v1/apps/{app}/releases/{number}/rollback',
  summary: () => 'Roll back: a new release whose content equals release {number}, live in every process at once',
  auth: 'bearer',
  params: () => ({ number: RELEASE_NUMBER }),
  body: () => ROLLBACK_BODY_SCHEMA,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref('Release')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'RULE_INVALID', 'CONFLICT'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.rollback(call.app, actor, need(call.params?.number, 'number'), req.body), { message: 'Rolled back' });
  },
};
