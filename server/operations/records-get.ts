import { AppError } from '../../engine/index.ts';
import { actorFor, need, target } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok, withEtag } from './operation-result.ts';
import { recordAnswer } from './record-answer.ts';
import { recordIdParam } from './record-params.ts';
import { someRoleMay } from './some-role-may.ts';

export const recordsGet: OperationSpec<'records.get'> = {
  name: 'records.get',
  method: 'GET',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}',
  summary: (t) => `Get a ${t.entity!.label}${t.entity!.workflow ? ' with the events you may fire' : ''}`,
  auth: 'actor-or-public',
  permission: 'read',
  params: recordIdParam,
  response: (t) => recordAnswer(t, 200),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'RECORD_NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app, entity) => someRoleMay(app, entity, 'read'),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    // The applicant's own record, named by their session (GET /api/v1/journey/status).
    const id = call.route?.idFromSession ? actor.session?.record : need(call.id, 'id');
    if (id === undefined) throw new AppError('UNAUTHENTICATED', 'This route reads the record of your session: send the session token as "Authorization: Bearer <token>"');
    const r = await engine.records.get(target(call), actor, id);
    return withEtag(ok(r.data, { journeyStatus: r.journeyStatus }), r.data.version);
  },
};
