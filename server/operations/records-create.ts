import { actorFor, label, target } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok, sessionHeaders, withEtag } from './operation-result.ts';
import { recordAnswer } from './record-answer.ts';
import { shapeResponse } from './shape-response.ts';
import { someRoleMay } from './some-role-may.ts';
import { entityRef } from './schemas/schema-ref.ts';

export const recordsCreate: OperationSpec<'records.create'> = {
  name: 'records.create',
  method: 'POST',
  genericPath: '/v1/apps/{app}/records/{entity}',
  summary: (t) => `Create a ${t.entity!.label}`,
  auth: 'actor-or-public',
  permission: 'create',
  body: (t) => entityRef(t.app, t.entity!, 'create'),
  // A seed endpoint with its own answer shape keeps the seed's status code too (eKYC signup: 200).
  response: (t) => recordAnswer(t, t.alias?.response ? 200 : 201, true),
  errors: [
    'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND', 'RECORD_NOT_FOUND', 'DUPLICATE', 'DUPLICATE_REQUEST',
    'CONFLICT', 'DUPLICATE_IN_WINDOW', 'IDEMPOTENCY_MISMATCH', 'INVALID_TRANSITION', 'PROMOTION_NOT_APPLICABLE', 'RULE_INVALID', 'LOCKED', 'RATE_LIMITED',
  ],
  servedFor: (app, entity) => someRoleMay(app, entity, 'create'),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'create');
    const r = await engine.records.create(target(call), actor, req.body);
    const answer = withEtag(ok(shapeResponse(call, r.data, r.session && { token: r.session.token, expiresIn: r.session.expiresIn }), { message: `${label(engine, call)} created`, journeyStatus: r.journeyStatus }, call.route?.response ? 200 : 201), r.data.version);
    // A public role's record session: the token that opens what it just created.
    return r.session ? { ...answer, headers: sessionHeaders(r.session) } : answer;
  },
};
