import { LINT_BODY_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { candidateBody } from './schemas/candidate-schema.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const rulesLint: OperationSpec<'rules.lint'> = {
  name: 'rules.lint',
  method: 'POST',
  genericPath: '/v1/apps/{app}/rules/{ruleset}/lint',
  summary: () => 'Conflict lint of the live promotions, with a candidate (stored, new, or edited) when given: overlapping exclusive promotions, unreachable or impossible promotions, empty store groups, ended dates',
  auth: 'bearer',
  params: (t) => ({ ruleset: { type: 'string', enum: [...t.app.rulesets.keys()] } }),
  body: (t) => candidateBody(LINT_BODY_SCHEMA, t.app, [...t.app.rulesets.values()], false),
  bodyOptional: () => true,
  response: () => ({ status: 200, schema: envelope(ref('Lint')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'RECORD_NOT_FOUND', 'APP_NOT_FOUND', 'RULE_INVALID'],
  servedFor: (app) => app.rulesets.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const ruleset = need(call.params?.ruleset ?? call.route?.ruleset, 'ruleset');
    return ok(await engine.rules.lint(call.app, ruleset, actor, req.body));
  },
};
