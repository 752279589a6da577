import { SIMULATION_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { CHANGE_SET_ID } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesSimulate: OperationSpec<'changes.simulate'> = {
  name: 'changes.simulate',
  method: 'POST',
  genericPath: '/v1/apps/{app}/changes/{id}/simulate',
  summary: () => 'Simulate against an open change set’s candidate (the live release with its definitions applied), writing nothing; refused (422) while the app has problems with it',
  auth: 'bearer',
  params: () => ({ id: CHANGE_SET_ID }),
  body: () => SIMULATION_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('Simulation')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT', 'RULE_INVALID'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.changes.simulate(call.app, actor, need(call.id, 'id'), req.body));
  },
};
