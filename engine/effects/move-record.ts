// `move`: an event fired on another record — a related one, found by id — in the same transaction
// as the move that declares it: a quotation accepted moves its lead to Customer Accepted. The
// target's move is the actor's own, judged as if they had asked for it on that record (their role's
// transition permission and scope, the workflow's decision for their role, guards, limits), so a
// definition cannot lend an actor a move they may not make. It goes through all a move goes
// through (its effects, version, timeline, audit, outbox); a refusal refuses the whole request with
// the target's error, its paths under $.move.<entity>, and nothing is written.
import { AppError, isAppError } from '../errors/app-error.ts';
import { normalizeTransitions } from '../workflow/normalize-transitions.ts';
import { checkExpression } from './check-expression.ts';
import type { EffectModule } from './effect-module.ts';
import { resolveValue } from './resolve-value.ts';

export interface MoveEffect {
  entity: string;
  /** "{{record.leadId}}": the target's id. */
  id: string;
  event: string;
  input?: Record<string, unknown>;
  remarks?: string;
  /** When the id resolves to nothing, nothing is moved — an id naming no record still refuses the move. */
  optional?: boolean;
}

/** The move, as planned: its id, input and remarks resolved on the record as the declaring move leaves it. */
export interface PlannedMove {
  entity: string;
  id: unknown;
  event: string;
  input: Record<string, unknown>;
  remarks?: string;
  actor: Record<string, unknown>;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** The target's refusal, said as the request's: same code and status, its paths under $.move.<entity>. */
function refusedTarget(step: PlannedMove, err: AppError): AppError {
  // "No such lead" is not the caller's URL being wrong: the record they named refers to nothing.
  const code = err.code === 'RECORD_NOT_FOUND' ? 'CONFLICT' : err.code;
  const at = `$.move.${step.entity}`;
  return new AppError(code, err.message, {
    cause: err,
    publicCode: err.publicCode,
    data: err.data,
    details: [
      { path: at, message: `The ${step.entity} this move moves (${String(step.id)}, event "${step.event}") was refused: ${err.message}` },
      ...(err.details ?? []).map((d) => ({ path: d.path.replace(/^\$/, at), message: d.message })),
    ],
  });
}

export const moveRecord: EffectModule<MoveEffect, PlannedMove> = {
  schema: 'common.schema.json#/definitions/effect/properties/move',
  // A move of another record is part of a move: a create has no transaction of moves to join.
  places: ['transition', 'workflow'],
  phase: 'after',
  check(body, at) {
    const path = `${at.path}.move`;
    const target = at.entities.get(body.entity);
    if (!target) {
      if (!at.malformed?.has(`entity:${body.entity}`)) at.add(`${path}.entity`, `Entity "${body.entity}" is not defined in this app`);
    }
    else if (!target.workflow) at.add(`${path}.entity`, `Entity "${body.entity}" has no workflow: its records cannot be moved`);
    else {
      // A workflow that is missing or refused by its schema has its own problem.
      const wf = at.workflows?.get(target.workflow);
      if (wf) {
        const moves = normalizeTransitions(wf).filter((t) => t.event === body.event);
        if (!moves.length) at.add(`${path}.event`, `Workflow "${wf.name}" has no event "${body.event}"`);
        else if (moves.some((t) => t.otp)) at.add(`${path}.event`, `Event "${body.event}" of workflow "${wf.name}" asks for a code, which a move effect cannot send`);
        for (const k of Object.keys(body.input ?? {})) if (!Object.hasOwn(wf.input ?? {}, k)) at.add(`${path}.input.${k}`, `The input of workflow "${wf.name}" has no field "${k}"`);
      }
    }
    checkExpression(body.id, `${path}.id`, at);
    for (const [k, v] of Object.entries(body.input ?? {})) checkExpression(v, `${path}.input.${k}`, at);
    checkExpression(body.remarks, `${path}.remarks`, at);
  },
  plan(body, ctx) {
    const id = resolveValue(body.id, ctx);
    if (isEmpty(id) && body.optional) return { skipped: { message: `no ${body.entity} moved: the record names none`, detail: { entity: body.entity, event: body.event } } };
    const input = Object.fromEntries(Object.entries(body.input ?? {}).map(([k, v]) => [k, resolveValue(v, ctx)]).filter(([, v]) => !isEmpty(v)));
    const remarks = body.remarks === undefined ? undefined : resolveValue(body.remarks, ctx);
    return { deliver: { entity: body.entity, id, event: body.event, input, ...(isEmpty(remarks) ? {} : { remarks: String(remarks) }), actor: ctx.actor } };
  },
  async deliver(step, { tx, app, records }) {
    if (typeof step.id !== 'string' || step.id === '') {
      throw new AppError('CONFLICT', `This move moves the ${step.entity} its record names, and it names none`, { details: [{ path: `$.move.${step.entity}`, message: `No ${step.entity} id` }] });
    }
    try {
      await records.moveIn(tx, app, step.entity, step.id, { event: step.event, input: step.input, remarks: step.remarks }, step.actor);
    } catch (err) {
      throw isAppError(err) ? refusedTarget(step, err) : err;
    }
  },
};
