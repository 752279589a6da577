import { CONSOLE_BODY_SCHEMA, EVALUATE_BODY_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

// A body naming a store group (and field selections) is the test console (§4.3.1); else an evaluation (§4.3).
export const rulesEvaluate: OperationSpec<'rules.evaluate'> = {
  name: 'rules.evaluate',
  method: 'POST',
  genericPath: '/v1/apps/{app}/rules/{ruleset}/evaluate',
  summary: () => 'Evaluate live promotions for a cart at a store, highest savings first; with storeGroup (and selections), the test console',
  auth: 'bearer',
  params: (t) => ({ ruleset: { type: 'string', enum: [...t.app.rulesets.keys()] } }),
  body: () => ({ oneOf: [EVALUATE_BODY_SCHEMA, CONSOLE_BODY_SCHEMA] }),
  response: () => ({ status: 200, schema: envelope({ oneOf: [ref('Evaluation'), ref('ConsoleEvaluation')] }) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app) => app.rulesets.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const ruleset = need(call.params?.ruleset ?? call.route?.ruleset, 'ruleset');
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && 'storeGroup' in body) return ok(await engine.rules.console(call.app, ruleset, actor, body), { message: 'Test evaluation' });
    return ok(await engine.rules.evaluate(call.app, ruleset, actor, body));
  },
};
