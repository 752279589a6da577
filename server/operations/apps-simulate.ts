import { SIMULATION_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const appsSimulate: OperationSpec<'apps.simulate'> = {
  name: 'apps.simulate',
  method: 'POST',
  genericPath: '/v1/apps/{app}/simulate',
  summary: () => 'Simulate against the live release, writing nothing: a move of a record given as data (allowed or not and why, its guards, its planned effects), a template rendered, promotions explained over a cart, an OTP policy in sentences',
  auth: 'bearer',
  body: () => SIMULATION_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('Simulation')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'APP_NOT_FOUND'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    return ok(await engine.simulate(call.app, actor, req.body));
  },
};
