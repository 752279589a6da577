// The checks of a workflow against the contents of the app's other definitions: its entity (which
// must name it), the facts its guards read, what its effects write and read, the kind of OTP policy
// a move asks for. The machine's shape and the names it uses are the static analysis's
// (engine/lifecycle/analyze-workflow.ts), which the workflow kind runs beside this.
import type { AppDefinitionSet } from '../registry/definition-kind-module.ts';
import type { DefinitionProblem, EntityDef, WorkflowDef } from '../registry/definition-types.ts';
import { checkEffect } from '../effects/check-effect.ts';
import type { EffectPlace } from '../effects/effect-module.ts';
import type { Effect } from '../effects/effect-registry.ts';
import { templatesOf } from '../registry/kinds/template.ts';
import { checkGuardCondition } from '../conditions/check-guard-condition.ts';
import { normalizeTransitions, type NormalizedTransition } from './normalize-transitions.ts';

type Add = (f: string, p: string, m: string) => void;
type Templates = ReadonlyMap<string, { channel: 'sms' | 'email'; variables: readonly string[] }>;
type Documents = ReadonlyMap<string, { entity?: string }>;

/** The app's documents by name (one refused by its schema still exists: named, with no entity to hold it to). */
export function documentsOf(defs: AppDefinitionSet): Documents {
  const malformed = [...defs.malformed].filter((k) => k.startsWith('document:')).map((k) => [k.slice('document:'.length), {}] as const);
  return new Map([...malformed, ...[...defs.named('document')].map(([name, d]) => [name, { entity: d.definition.entity }] as const)]);
}

export function checkWorkflow(file: string, wf: WorkflowDef, defs: AppDefinitionSet): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add: Add = (f, path, message) => problems.push({ file: f, path, message });
  // A transition listing several from-states is one authored place: its guard and effects are checked once.
  const places = [...new Map(normalizeTransitions(wf).map((t) => [t.source, t])).values()];
  const entities = defs.named('entity');
  // An entity refused by its schema has had its problem reported; its workflow is not judged against it.
  if (entities.has(wf.entity) || !defs.malformed.has(`entity:${wf.entity}`)) {
    const all = new Map([...entities].map(([name, e]) => [name, e.definition]));
    const workflows = new Map([...defs.named('workflow')].map(([name, w]) => [name, w.definition]));
    checkAgainstEntity(file, wf, places, entities.get(wf.entity)?.definition, all, workflows, defs.malformed, templatesOf(defs), documentsOf(defs), add);
  }
  checkVerifySteps(file, wf, normalizeTransitions(wf), add);
  for (const t of places) (t.requires ?? []).forEach((f, i) => f in (wf.input ?? {}) || add(file, `${t.source}.requires[${i}]`, `The workflow input has no field "${f}"`));
  const slots = defs.named('entity').get(wf.entity)?.definition.files ?? {};
  for (const t of places) (t.requiresFiles ?? []).forEach((s, i) => s in slots || add(file, `${t.source}.requiresFiles[${i}]`, `Entity "${wf.entity}" has no attachment slot "${s}"`));
  const otpPolicies = defs.named('otp');
  for (const t of places) {
    if (t.otp && otpPolicies.get(t.otp.policy)?.definition.record) add(file, `${t.source}.otp.policy`, `OTP policy "${t.otp.policy}" is a record OTP (verified with a proof), not a step's code`);
  }
  return problems;
}

/** A verification's review is an internal move from the same state; an internal move is some verification's review. */
function checkVerifySteps(file: string, wf: WorkflowDef, all: readonly NormalizedTransition[], add: Add) {
  const reviews = new Set<string>();
  for (const t of all) {
    const review = t.verify?.review;
    const pending = t.verify?.pending;
    if (pending !== undefined && !(pending in wf.states)) add(file, `${t.source}.verify.pending`, `"${pending}" is not a state of this workflow`);
    else if (pending !== undefined && wf.states[pending]!.final) add(file, `${t.source}.verify.pending`, `A move waits in "${pending}" until a provider answers: it cannot be final`);
    // A move that waits for a provider keeps its subject for the retry: never one that is never stored.
    const neverStored = Object.values(t.verify?.subject ?? {}).map((v) => /^\s*\{\{\s*input\.([A-Za-z0-9_]+)\s*\}\}\s*$/.exec(v)?.[1]).filter((f) => f && wf.input?.[f]?.store === false);
    if (pending !== undefined && t.otp) add(file, `${t.source}.verify.pending`, 'A move that spends a code cannot wait for a retry: the retry would have no code to give');
    if (pending !== undefined && neverStored.length) add(file, `${t.source}.verify.pending`, `The subject reads ${neverStored.map((f) => `"${f}"`).join(', ')}, which is never stored (store: false): a move cannot wait for a retry with it`);
    if (t.verify) {
      for (const [key, template] of Object.entries(t.verify.subject)) {
        if (!/^\s*(\{\{\s*(input|record)\.[A-Za-z0-9_.]+\s*\}\}|[^{}]*)\s*$/.test(template)) add(file, `${t.source}.verify.subject.${key}`, 'A subject value is text or one {{input.<field>}} / {{record.<field>}}');
      }
    }
    if (!review) continue;
    reviews.add(review);
    const target = all.find((x) => x.event === review && x.from === t.from);
    if (!target) add(file, `${t.source}.verify.review`, `No move "${review}" leaves "${t.from}" to take at the last failed verification`);
    else if (!target.internal) add(file, `${t.source}.verify.review`, `Move "${review}" must be internal: true (taken by the engine only, never asked for)`);
  }
  for (const t of all) {
    if (t.internal && !reviews.has(t.event)) add(file, `${t.source}.internal`, `No verification step names "${t.event}" as its review: nothing would ever take this move`);
    if (t.internal && t.verify) add(file, `${t.source}.verify`, 'An internal move checks nothing itself');
  }
}

function checkAgainstEntity(file: string, wf: WorkflowDef, places: readonly NormalizedTransition[], entity: EntityDef | undefined, entities: ReadonlyMap<string, EntityDef>, workflows: ReadonlyMap<string, WorkflowDef>, malformed: ReadonlySet<string>, templates: Templates, documents: Documents, add: Add) {
  if (!entity) add(file, '$.entity', `Entity "${wf.entity}" is not defined in this app`);
  else if (entity.workflow !== wf.name) add(file, '$.entity', `Entity "${wf.entity}" does not name this workflow in its "workflow"`);
  const checkEffects = (effects: readonly Effect[], at: string, place: EffectPlace, verifies = false) =>
    effects.forEach((e, i) => checkEffect(e, place, { path: `${at}[${i}]`, entity, entities, workflow: wf, workflows, malformed, templates, documents, verifies, add: (p, m) => add(file, p, m) }));
  for (const t of places) {
    if (t.when) checkGuardCondition(file, `${t.source}.when`, t.when, entity, wf, add);
    checkEffects(t.effects, `${t.source}.effects`, 'transition', Boolean(t.verify));
  }
  checkEffects(wf.effects ?? [], '$.effects', 'workflow');
  checkEffects(wf.onCreate ?? [], '$.onCreate', 'onCreate');
}
