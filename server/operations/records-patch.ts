import type { JsonSchema, OperationSpec, OperationTarget } from './operation-spec.ts';
import { actorFor, ifMatch, label, need, target } from './call-context.ts';
import { ok, withEtag } from './operation-result.ts';
import { recordAnswer } from './record-answer.ts';
import { recordIdParam } from './record-params.ts';
import { someRoleMay } from './some-role-may.ts';
import { entitySchemas } from './schemas/entity-schemas.ts';

/** Fields to change; naming a new state too (the workflow's field, or the alias's targetField) makes it one move with them. */
function patchBody(t: OperationTarget): JsonSchema {
  const entity = t.entity!;
  const patch = entitySchemas(t.app, entity).patch as { properties: Record<string, JsonSchema> };
  const wf = entity.workflow;
  if (!wf) return patch;
  const stateField = t.alias?.targetField ?? wf.field;
  const steer = Object.fromEntries(
    Object.entries({ override: { type: 'boolean', description: 'With the state: an override by a role that may' }, remarks: { type: 'string', maxLength: 2000, description: 'With the state: kept in the timeline' } }).filter(([k]) => !(k in patch.properties)),
  );
  return {
    ...patch,
    properties: { ...patch.properties, [stateField]: { type: 'string', enum: Object.keys(wf.states), description: 'Move to this state with the fields, in one write' }, ...steer },
  };
}

export const recordsPatch: OperationSpec<'records.patch'> = {
  name: 'records.patch',
  method: 'PATCH',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}',
  summary: (t) => `Change fields of a ${t.entity!.label}${t.entity!.workflow ? ' (and its state, in one write)' : ''}`,
  auth: 'actor-or-public',
  permission: 'update',
  params: recordIdParam,
  ifMatch: true,
  body: patchBody,
  response: (t) => recordAnswer(t, 200),
  errors: [
    'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'RECORD_NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND', 'EVENT_NOT_FOUND', 'DUPLICATE', 'CONFLICT', 'LIMIT_REACHED',
    'VERSION_MISMATCH', 'FIELD_LOCKED', 'RULE_INVALID', 'INVALID_TRANSITION', 'REMARKS_REQUIRED', 'STAGE_NOT_REACHED',
  ],
  servedFor: (app, entity) => someRoleMay(app, entity, 'update'),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call);
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
