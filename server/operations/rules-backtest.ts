import { BACKTEST_BODY_SCHEMA, type CompiledApp } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { candidateBody } from './schemas/candidate-schema.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

// Only a ruleset that prices records (transactions) has anything to replay.
const priced = (app: CompiledApp) => [...app.rulesets.values()].filter((rs) => rs.pricing);

export const rulesBacktest: OperationSpec<'rules.backtest'> = {
  name: 'rules.backtest',
  method: 'POST',
  genericPath: '/v1/apps/{app}/rules/{ruleset}/backtest',
  summary: () => 'Backtest a promotion (stored, new, or edited) on the transactions of the last N days: where it would have applied, its savings, and how it would have ranked against the live promotions',
  auth: 'bearer',
  params: (t) => ({ ruleset: { type: 'string', enum: priced(t.app).map((rs) => rs.name) } }),
  body: (t) => candidateBody(BACKTEST_BODY_SCHEMA, t.app, priced(t.app), true),
  response: () => ({ status: 200, schema: envelope(ref('Backtest')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'RECORD_NOT_FOUND', 'APP_NOT_FOUND', 'RULE_INVALID'],
  servedFor: (app) => priced(app).length > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const ruleset = need(call.params?.ruleset ?? call.route?.ruleset, 'ruleset');
    return ok(await engine.rules.backtest(call.app, ruleset, actor, req.body));
  },
};
