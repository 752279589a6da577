import type { Request } from 'express';
import { AppError } from '../../engine/index.ts';
import { actorFor, ifMatch, need, target } from './call-context.ts';
import { MOVE_ERRORS } from './move-errors.ts';
import type { JsonSchema, OperationCall, OperationSpec, OperationTarget } from './operation-spec.ts';
import { ok, withEtag } from './operation-result.ts';
import { recordAnswer } from './record-answer.ts';
import { RECORD_ID } from './record-params.ts';
import { shapeResponse } from './shape-response.ts';
import { someRoleMay } from './some-role-may.ts';
import { publicSchema } from './schemas/public-schema.ts';

/** Aliases may take the record id from a body field ({ leadId, ... }); the rest of the body is the input. */
function idAndBody(req: Request, call: OperationCall): { id: string; body: Record<string, unknown> } {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const idFrom = call.route?.idFrom;
  if (!idFrom) return { id: need(call.id, 'id'), body };
  const { [idFrom]: id, ...rest } = body;
  if (typeof id !== 'string' || !id) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: `$.${idFrom}`, message: `"${idFrom}" is required` }] });
  return { id, body: rest };
}

/** { input, override, remarks }; an alias with idFrom takes a flat body: the id field and the input's fields. */
function eventBody(t: OperationTarget): JsonSchema {
  const entity = t.entity!;
  const input = publicSchema(entity.inputSchema as JsonSchema) as { properties: Record<string, JsonSchema> };
  const idFrom = t.alias?.idFrom;
  if (!idFrom) {
    return { type: 'object', additionalProperties: false, properties: { input, override: { type: 'boolean' }, remarks: { type: 'string', maxLength: 2000 } } };
  }
  // The code this step needs (a journey's mobile OTP) is required in its flat body.
  const codes = (entity.workflow?.transitions ?? []).filter((x) => x.event === t.alias!.event && x.otp).map((x) => x.otp!.field);
  return {
    type: 'object',
    additionalProperties: false,
    required: [idFrom, ...new Set(codes)],
    properties: { [idFrom]: RECORD_ID, ...input.properties },
  };
}

export const recordsEvent: OperationSpec<'records.event'> = {
  name: 'records.event',
  method: 'POST',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/events/{event}',
  summary: (t) => (t.alias?.event ? `${t.alias.event} (a ${t.entity!.workflow!.name} move of a ${t.entity!.label})` : `Fire a workflow event on a ${t.entity!.label}`),
  auth: 'actor-or-public',
  permission: 'transition',
  params: (t) => ({ id: RECORD_ID, event: { type: 'string', enum: [...(t.entity!.workflow?.events ?? [])] } }),
  ifMatch: true,
  body: eventBody,
  // A move without input needs no body (PUT /promotions/{id}/activate); a flat seed body carries the id.
  bodyOptional: (t) => !t.alias?.idFrom,
  response: (t) => recordAnswer(t, 200, true),
  errors: MOVE_ERRORS,
  servedFor: (app, entity) => Boolean(entity?.workflow) && someRoleMay(app, entity, 'transition'),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'transition');
    const { id, body } = idAndBody(req, call);
    let eventBody: unknown = body;
    // A flat seed body is the event's input (the step's code, if it needs one, among it).
    if (call.route?.idFrom) eventBody = { input: body };
    const r = await engine.transitions.fire(target(call), actor, id, need(call.event, 'event'), eventBody, ifMatch(req), call.route?.idFrom ? '$' : '$.input');
    return withEtag(ok(shapeResponse(call, r.data), { message: 'Status updated', journeyStatus: r.journeyStatus }), r.data.version);
  },
};
