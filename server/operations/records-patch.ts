import { actorFor, ifMatch, label, need, target } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok, withEtag } from './operation-result.ts';
import { recordAnswer } from './record-answer.ts';
import { recordIdParam } from './record-params.ts';
import { someRoleMay } from './some-role-may.ts';
import { patchBody } from './schemas/entity-schemas.ts';
import { entityRef } from './schemas/schema-ref.ts';

export const recordsPatch: OperationSpec<'records.patch'> = {
  name: 'records.patch',
  method: 'PATCH',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}',
  summary: (t) => `Change fields of a ${t.entity!.label}${t.entity!.workflow ? ' (and its state, in one write)' : ''}`,
  auth: 'actor-or-public',
  permission: 'update',
  params: recordIdParam,
  ifMatch: true,
  // An alias may take the new state under its own field name (targetField).
  body: (t) => {
    const wf = t.entity!.workflow;
    const field = t.alias?.targetField;
    return wf && field && field !== wf.field ? patchBody(t.app, t.entity!, field) : entityRef(t.app, t.entity!, 'patch');
  },
  response: (t) => recordAnswer(t, 200),
  errors: [
    'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'RECORD_NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND', 'EVENT_NOT_FOUND', 'DUPLICATE', 'CONFLICT', 'LIMIT_REACHED',
    'VERSION_MISMATCH', 'FIELD_LOCKED', 'RULE_INVALID', 'INVALID_TRANSITION', 'REMARKS_REQUIRED', 'STAGE_NOT_REACHED',
  ],
  servedFor: (app, entity) => someRoleMay(app, entity, 'update'),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'update');
    const id = need(call.id, 'id');
    // A seed PATCH may name the new state under its own field: fields and the move are one change.
    const statusField = call.route?.targetField;
    const body = req.body as unknown;
    const r = statusField && body !== null && typeof body === 'object' && statusField in body
      ? await engine.transitions.moveTo(target(call), actor, id, statusField, body, ifMatch(req), 'fields')
      : await engine.records.patch(target(call), actor, id, body, ifMatch(req));
    return withEtag(ok(r.data, { message: `${label(engine, call)} updated`, journeyStatus: r.journeyStatus }), r.data.version);
  },
};
