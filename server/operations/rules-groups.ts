import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

// Groups are filters; which stores and products they hold changes with the master data. This says
// what they hold now, resolved exactly as evaluation resolves them (nothing is stored).
export const rulesGroups: OperationSpec<'rules.groups'> = {
  name: 'rules.groups',
  method: 'GET',
  genericPath: '/v1/apps/{app}/rules/{ruleset}/groups',
  summary: () => "The ruleset's store and product groups with the members they resolve to right now (a caller with a store scope sees only their own stores)",
  auth: 'bearer',
  params: (t) => ({ ruleset: { type: 'string', enum: [...t.app.rulesets.keys()] } }),
  response: () => ({ status: 200, schema: envelope(ref('RulesetGroups')) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app) => app.rulesets.size > 0,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const ruleset = need(call.params?.ruleset ?? call.route?.ruleset, 'ruleset');
    return ok(await engine.rules.groupMembers(call.app, ruleset, actor));
  },
};
