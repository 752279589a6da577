import { actorFor, ifMatch, need, target } from './call-context.ts';
import { MOVE_ERRORS } from './move-errors.ts';
import type { JsonSchema, OperationSpec, OperationTarget } from './operation-spec.ts';
import { ok, withEtag } from './operation-result.ts';
import { recordAnswer } from './record-answer.ts';
import { recordIdParam } from './record-params.ts';
import { someRoleMay } from './some-role-may.ts';
import { publicSchema } from './schemas/public-schema.ts';

/** { <targetField>: state, remarks?, override?, ...the move's input }. */
function moveBody(t: OperationTarget): JsonSchema {
  const entity = t.entity!;
  const field = t.alias?.targetField ?? 'state';
  const input = (publicSchema(entity.inputSchema as JsonSchema) as { properties: Record<string, JsonSchema> }).properties;
  return {
    type: 'object',
    additionalProperties: false,
    required: [field],
    properties: {
      [field]: { type: 'string', enum: Object.keys(entity.workflow?.states ?? {}), description: 'The state to move to' },
      remarks: { type: 'string', maxLength: 2000 },
      override: { type: 'boolean', description: 'A move outside the matrix, by a role that may override' },
      ...input,
    },
  };
}

// Only as an alias (PATCH /leads/{id}/status { newStatus }): it has no generic route of its own.
export const recordsMoveTo: OperationSpec<'records.moveTo'> = {
  name: 'records.moveTo',
  method: 'PATCH',
  summary: (t) => `Move a ${t.entity!.label} to another state`,
  auth: 'actor-or-public',
  permission: 'transition',
  params: recordIdParam,
  ifMatch: true,
  body: moveBody,
  response: (t) => recordAnswer(t, 200),
  errors: MOVE_ERRORS,
  // No generic route: nothing to describe per app, only its aliases.
  servedFor: () => false,
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'transition');
    const r = await engine.transitions.moveTo(target(call), actor, need(call.id, 'id'), need(call.targetField, 'targetField'), req.body, ifMatch(req));
    return withEtag(ok(r.data, { message: 'Status updated', journeyStatus: r.journeyStatus }), r.data.version);
  },
};
