import { actorFor, need, target } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { recordIdParam } from './record-params.ts';
import { someRoleMay } from './some-role-may.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const recordsTimeline: OperationSpec<'records.timeline'> = {
  name: 'records.timeline',
  method: 'GET',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/timeline',
  summary: (t) => `Every accepted move of a ${t.entity!.label}: from, to, event, actor, role, override, remarks, at${t.entity!.definition.timeline?.refused ? '; and every refused attempt, marked refused with its code and message' : ''}`,
  auth: 'actor-or-public',
  permission: 'read',
  params: recordIdParam,
  response: () => ({ status: 200, schema: envelope({ type: 'array', items: ref('TimelineEntry') }) }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'RECORD_NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app, entity) => someRoleMay(app, entity, 'read'),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    return ok(await engine.records.timeline(target(call), actor, need(call.id, 'id')));
  },
};
