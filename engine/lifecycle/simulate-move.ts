// A workflow move, simulated: the decision the transition service takes (decide-transition.ts) and
// the effects it would plan (plan-effects.ts), on a record given as data. Nothing is read or
// written, so what only the database knows (records already in a capped state, the code last sent)
// is named in `notChecked` instead of being guessed.
import type { Actor } from '../auth/actor.ts';
import { requirePermission } from '../auth/permissions.ts';
import { SYSTEM_ROLE } from '../auth/system-role.ts';
import { nowFacts, type GuardFacts } from '../conditions/condition-guard.ts';
import { planEffects } from '../effects/plan-effects.ts';
import { AppError, isAppError, type ErrorDetail } from '../errors/app-error.ts';
import type { OutboxChannel } from '../notify/outbox-row.ts';
import { assertValidFields } from '../records/write-checks.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { MoveSimulation } from '../registry/definition-types.ts';
import { assertValid } from '../support/validate-body.ts';
import type { CompiledWorkflow } from '../workflow/compiled-workflow.ts';
import { decideTransition, type TransitionDecision } from '../workflow/decide-transition.ts';

/** A message the move would write to the outbox, as rendered now. */
export interface SimulatedMessage {
  channel: OutboxChannel;
  template: string | null;
  recipient: string;
  payload: Record<string, unknown>;
  renderError?: string;
}

export interface MoveAnswer {
  kind: 'move';
  allowed: boolean;
  from: string;
  to?: string;
  event?: string;
  override: boolean;
  /** Why, in a sentence or two. */
  why: string;
  /** A refusal: the catalog code, the code the definition chose for it, the message and details. */
  code?: string;
  publicCode?: string;
  message?: string;
  details?: ErrorDetail[];
  /** Each guarded move out of the state, and whether its condition holds for this request. */
  guards: { move: string; event: string; result: boolean }[];
  /** What an accepted move would do, as data. */
  effects?: {
    fields: Record<string, unknown>;
    outbox: SimulatedMessage[];
    /** The code this move needs in its input (checked against the code last sent, in the move's transaction). */
    otp?: { policy: string; field: string };
    /** Effects that would do nothing this time (a message without a recipient). */
    skipped: string[];
  };
  /** What a simulation cannot know without the database. */
  notChecked: string[];
}

const SIMULATED_ACTOR = 'simulation';
const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', undefined, { details: [{ path, message }] });
const list = (names: Iterable<string>) => [...names].map((n) => `"${n}"`).join(', ') || 'none';

/** Why a move was refused as an invalid transition, move by move: no such move, another role's, a guard, no override right. */
function transitionReasons(wf: CompiledWorkflow, from: string, req: MoveSimulation, guards: MoveAnswer['guards']): string[] {
  const asked = (wf.byState.get(from) ?? []).filter((t) => (req.event !== undefined ? t.event === req.event : t.to === req.target));
  const reasons: string[] = [];
  if (!asked.length) reasons.push(`No move ${req.event !== undefined ? `"${req.event}"` : `to "${req.target}"`} leaves "${from}"`);
  for (const t of asked) {
    if (!t.roles.has(req.role)) reasons.push(`The move ${t.from} → ${t.to} is for ${list(t.roles)}, not "${req.role}"`);
    else if (guards.some((g) => g.move === `${t.from} → ${t.to}` && g.event === t.event && !g.result)) reasons.push(`The condition of ${t.from} → ${t.to} does not hold`);
  }
  if (req.override && !wf.overrideRoles.has(req.role)) reasons.push(`Role "${req.role}" may not override (overrides: ${list(wf.overrideRoles)})`);
  else if (!req.override && wf.overrideRoles.has(req.role)) reasons.push(`Role "${req.role}" could take it as an override (override: true${wf.overrideRemarksRequired ? ', with remarks' : ''})`);
  return reasons;
}

function sentenceOfRefusal(err: AppError, reasons: string[]): string {
  const parts = [err.message, ...reasons, ...(reasons.length ? [] : (err.details ?? []).map((d) => d.message))];
  return `${parts.join('. ')}.`;
}

export async function simulateMove(app: CompiledApp, req: MoveSimulation, now: Date): Promise<MoveAnswer> {
  // What the request names is in its body: a name the app does not have is a 400 at that field.
  const entity = app.entities.get(req.entity);
  if (!entity) throw invalid('$.entity', `Entity "${req.entity}" is not defined in this app`);
  const wf = entity.workflow;
  if (!wf) throw invalid('$.entity', `Entity "${entity.name}" has no workflow`);
  if ((req.event === undefined) === (req.target === undefined)) throw invalid('$.event', 'Give the event to fire or the target state, one of the two');
  if (req.event !== undefined && !wf.events.has(req.event)) throw invalid('$.event', `Workflow "${wf.name}" has no event "${req.event}"`);
  if (!(req.role in app.roles) && req.role !== SYSTEM_ROLE) throw invalid('$.role', `Role "${req.role}" is not declared by the app`);
  const record = req.record ?? {};
  const from = record[wf.field] === undefined ? wf.initial : String(record[wf.field]);
  if (!(from in wf.states)) throw invalid(`$.record.${wf.field}`, `"${from}" is not a state of workflow "${wf.name}"`);

  const input = req.input ?? {};
  // The scheduler's role is honoured only under its own id, as in permissions.ts.
  const actor = { id: req.role === SYSTEM_ROLE ? SYSTEM_ROLE : SIMULATED_ACTOR, ...req.actor, app: app.id, role: req.role } as Actor;
  // A role with a record session acts on the simulated record as the holder of its session would.
  if (app.roles[req.role]?.permissions?.[entity.name]?.session) actor.session = { entity: entity.name, record: typeof record.id === 'string' ? record.id : 'simulated' };
  const actorFacts = { ...actor } as Record<string, unknown>;
  const recordFacts: Record<string, unknown> = { ...record, [wf.field]: from };
  const facts: GuardFacts = { record: recordFacts, input, actor: actorFacts, now: nowFacts(now) };
  const guards: MoveAnswer['guards'] = [];
  for (const t of wf.byState.get(from) ?? []) if (t.guard) guards.push({ move: `${t.from} → ${t.to}`, event: t.event, result: await t.guard(facts) });

  const notChecked: string[] = [];
  let decision: TransitionDecision;
  let plan: ReturnType<typeof planEffects>;
  try {
    const permission = requirePermission(app, actor, entity.name, 'transition');
    if (permission.session) notChecked.push(`That the caller carries the record's session token (role "${req.role}" reaches only the record its token names)`);
    if (permission.scope) notChecked.push(`Whether the record is within the actor's scope ("${permission.scope.field}" against their ${permission.scope.actor})`);
    assertValidFields(wf.definition.input ?? {}, entity.validateInput, input, '$.input');
    decision = await decideTransition(wf, from, { role: req.role, event: req.event, target: req.target, override: req.override, remarks: req.remarks }, facts);
    const code = decision.transition?.otp;
    if (code && typeof input[code.field] !== 'string') throw invalid(`$.input.${code.field}`, 'The code sent for this step is required');
    if (code) notChecked.push(`The code in input "${code.field}" against the code last sent under OTP policy "${code.policy}"`);
    const verify = decision.transition?.verify;
    if (verify && !decision.override) notChecked.push(`The ${verify.check} check through the verification providers (a simulation calls no vendor: it shows the move as verified)`);
    const limit = decision.transition?.limit;
    if (limit) notChecked.push(`How many ${entity.name} records are "${decision.to}" already (at most ${limit.max} at once)`);
    // As the transition service plans them: codes are never part of what the effects read.
    const codeFields = wf.transitions.flatMap((t) => (t.otp ? [t.otp.field] : []));
    const storedInput = Object.fromEntries(Object.entries(input).filter(([k]) => !codeFields.includes(k)));
    const version = typeof record.version === 'number' ? record.version : 0;
    const to = decision.to;
    plan = planEffects(
      [...wf.commonEffects, ...(decision.transition?.effects ?? [])],
      { record: recordFacts, actor: actorFacts, input: storedInput, remarks: req.remarks, now: now.toISOString(), app: { id: app.id, name: app.name } },
      { app, recordId: typeof record.id === 'string' ? record.id : null, key: `${app.id}:simulation`, after: (set) => ({ ...recordFacts, ...set, [wf.field]: to, version: version + 1 }) },
    );
    if (Object.keys(plan.fields).length) assertValid(entity.validatePatch, plan.fields, '$.effects');
    // A document is rendered and stored only by a real write (a simulation writes nothing).
    for (const p of plan.prepare) if (p.effect === 'render') notChecked.push(`Rendering document "${(p.step as { document: string }).document}" and storing it in the blob store`);
    // Another record's move is judged on that record (its state, the actor's scope there, its guards and effects).
    for (const d of plan.deliver) {
      if (d.effect !== 'move') continue;
      const m = d.step as { entity: string; id: unknown; event: string };
      notChecked.push(`Moving ${m.entity} "${String(m.id ?? '')}" by event "${m.event}" (its state, the actor's permission and scope on it, its guards and effects)`);
    }
  } catch (err) {
    if (!isAppError(err)) throw err;
    const reasons = err.code === 'INVALID_TRANSITION' ? transitionReasons(wf, from, req, guards) : [];
    return {
      kind: 'move',
      allowed: false,
      from,
      override: false,
      why: sentenceOfRefusal(err, reasons),
      code: err.code,
      ...(err.publicCode ? { publicCode: err.publicCode } : {}),
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      guards,
      notChecked,
    };
  }

  const taken = decision.transition;
  const why = decision.override
    ? `${[...transitionReasons(wf, from, req, guards), `Accepted as a logged override by role "${req.role}" (${decision.from} → ${decision.to}), which runs the workflow-wide effects only`].join('. ')}.`
    : `Role "${req.role}" may move ${entity.name} records from "${from}" to "${decision.to}" (event "${decision.event}")${taken?.guard ? ', its condition holding' : ''}.`;
  return {
    kind: 'move',
    allowed: true,
    from,
    to: decision.to,
    event: decision.event,
    override: decision.override,
    why,
    guards,
    effects: {
      fields: plan.fields,
      outbox: plan.outbox.map((r) => ({ channel: r.channel, template: r.template, recipient: r.recipient, payload: r.payload, ...(r.renderError ? { renderError: r.renderError } : {}) })),
      ...(taken?.otp ? { otp: { policy: taken.otp.policy, field: taken.otp.field } } : {}),
      skipped: plan.skipped.map((s) => s.message),
    },
    notChecked,
  };
}
