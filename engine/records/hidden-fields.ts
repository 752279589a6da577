// Fields a role never sees (`permissions.<entity>.hide` in app.yaml: a customer does not see a
// lead's internal remarks). A hidden field is absent from every read and answer of that role, may
// not be filtered or sorted on by it (400, never a leak through a filter that narrows by value), and
// may not be sent by it (400, as a field it does not have). The engine itself still writes it: a
// move's `set` effects, an assignment rule, scope stamping.
//
// The timeline carries field values too: a move's remarks and input are copied into fields by the
// workflow's `set` effects (`remarks: "{{remarks}}"`). A role that may not see a field a move's
// remarks (or an input value) fill does not see those remarks (or that input) in the timeline
// either, and may not send them with its own moves.
import { AppError, type ErrorDetail } from '../errors/app-error.ts';
import type { EntityPermission } from '../registry/definition-types.ts';
import type { CompiledWorkflow } from '../workflow/compiled-workflow.ts';

const NONE: ReadonlySet<string> = new Set();

export function hiddenFields(permission: EntityPermission | undefined): ReadonlySet<string> {
  return permission?.hide?.length ? new Set(permission.hide) : NONE;
}

/** The record as this role may see it. */
export function withoutHidden<T extends Record<string, unknown>>(view: T, hidden: ReadonlySet<string>): T {
  if (!hidden.size) return view;
  return Object.fromEntries(Object.entries(view).filter(([k]) => !hidden.has(k))) as T;
}

const PART = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

/**
 * The record fields a move's remarks and each input value are copied into, read from the workflow's
 * `set` effects (workflow-wide and per move): `{ remarks: ['remarks'], input: { followUpDate: ['nextFollowUpDate'] } }`.
 */
export function moveCarriers(wf: CompiledWorkflow): { remarks: Set<string>; input: Map<string, Set<string>> } {
  const remarks = new Set<string>();
  const input = new Map<string, Set<string>>();
  const effects = [...wf.commonEffects, ...wf.transitions.flatMap((t) => t.effects)];
  for (const effect of effects) {
    const set = (effect as { set?: Record<string, unknown> }).set;
    if (!set) continue;
    for (const [field, value] of Object.entries(set)) {
      if (typeof value !== 'string') continue;
      for (const [, path] of value.matchAll(PART)) {
        if (path === 'remarks') remarks.add(field);
        else if (path!.startsWith('input.')) {
          const key = path!.split('.')[1]!;
          if (!input.has(key)) input.set(key, new Set());
          input.get(key)!.add(field);
        }
      }
    }
  }
  return { remarks, input };
}

const touches = (fields: ReadonlySet<string> | undefined, hidden: ReadonlySet<string>) => [...(fields ?? [])].some((f) => hidden.has(f));

/** What of a move (its remarks, its input keys) this role may neither see nor send. */
export function hiddenMoveParts(wf: CompiledWorkflow | undefined, hidden: ReadonlySet<string>): { remarks: boolean; input: ReadonlySet<string> } {
  if (!wf || !hidden.size) return { remarks: false, input: NONE };
  const carriers = moveCarriers(wf);
  return { remarks: touches(carriers.remarks, hidden), input: new Set([...carriers.input].filter(([, fields]) => touches(fields, hidden)).map(([k]) => k)) };
}

/** 400 for a body naming fields hidden from the role: to it they are not fields at all. */
export function assertNoHiddenFields(hidden: ReadonlySet<string>, role: string, body: Record<string, unknown>, prefix = '$'): void {
  if (!hidden.size) return;
  const sent = Object.keys(body).filter((k) => hidden.has(k));
  if (!sent.length) return;
  throw new AppError('VALIDATION_FAILED', `Role "${role}" may not send ${sent.join(', ')}`, {
    details: sent.map((f): ErrorDetail => ({ path: `${prefix}.${f}`, message: `"${f}" is not a field role "${role}" may send` })),
  });
}

/** 400 for a move whose remarks or input would fill a field hidden from the role. */
export function assertNoHiddenMoveParts(wf: CompiledWorkflow | undefined, hidden: ReadonlySet<string>, role: string, remarks: unknown, input: Record<string, unknown>, inputPath: string): void {
  const parts = hiddenMoveParts(wf, hidden);
  const details: ErrorDetail[] = [];
  if (parts.remarks && remarks !== undefined) details.push({ path: '$.remarks', message: `Role "${role}" may not send remarks with a move` });
  for (const k of Object.keys(input)) if (parts.input.has(k)) details.push({ path: `${inputPath}.${k}`, message: `"${k}" is not a field role "${role}" may send` });
  if (details.length) throw new AppError('VALIDATION_FAILED', `Role "${role}" may not send ${details.map((d) => d.path.replace(/^\$\.(input\.)?/, '')).join(', ')}`, { details });
}
