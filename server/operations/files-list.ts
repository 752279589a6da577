import { actorFor, need, target } from './call-context.ts';
import { FILE_ERRORS, hasSlots } from './file-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { RECORD_ID } from './record-params.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const filesList: OperationSpec<'files.list'> = {
  name: 'files.list',
  method: 'GET',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/files',
  summary: (t) => `The files of a ${t.entity!.label} not removed (newest version of each, review status)`,
  auth: 'actor-or-public',
  permission: 'read',
  params: () => ({ id: RECORD_ID }),
  query: (t) => ({ slot: { type: 'string', enum: Object.keys(t.entity?.definition.files ?? {}), description: 'Only this slot' } }),
  response: () => ({ status: 200, schema: envelope({ type: 'array', items: ref('RecordFile') }) }),
  errors: [...FILE_ERRORS, 'BAD_REQUEST'],
  servedFor: hasSlots,
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    const slot = call.route?.slot ?? (typeof req.query.slot === 'string' ? req.query.slot : undefined);
    return ok(await engine.files.list(target(call), actor, need(call.id, 'id'), slot));
  },
};
