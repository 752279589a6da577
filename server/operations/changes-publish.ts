import { PUBLISH_BODY_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { CHANGE_SET_ID } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesPublish: OperationSpec<'changes.publish'> = {
  name: 'changes.publish',
  method: 'POST',
  genericPath: '/v1/apps/{app}/changes/{id}/publish',
  summary: () => 'Publish a change set as the next release, live in every process at once; refused (422) while the app has problems with it, (409) when one of its definitions was released by someone else since, or when it removes workflow states that records are in and `mappings` does not say where they go',
  auth: 'bearer',
  params: () => ({ id: CHANGE_SET_ID }),
  body: () => PUBLISH_BODY_SCHEMA,
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref('Release')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT', 'RULE_INVALID'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.publish(call.app, actor, need(call.id, 'id'), req.body), { message: 'Published' });
  },
};
