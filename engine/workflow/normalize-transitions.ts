import type { Condition, Effect, VerifyStepDef, WorkflowDef } from '../registry/definition-types.ts';

/** One move of a workflow, whichever form (list or matrix) it was written in. */
export interface NormalizedTransition {
  event: string;
  from: string;
  to: string;
  roles: string[];
  when?: Condition;
  effects: Effect[];
  requiresStage?: number;
  limit?: { max: number; errorCode?: string; message?: string };
  otp?: { policy: string; field: string };
  verify?: VerifyStepDef;
  internal?: boolean;
  requires?: string[];
  requiresFiles?: string[];
  /** JSON path of the place in the definition, for problems. */
  source: string;
}

/**
 * Flattens both authoring forms into one list. A matrix cell's event is its target state unless
 * the cell names one, so `PATCH .../status { newStatus: won }` and `events/won` mean the same.
 */
export function normalizeTransitions(wf: WorkflowDef): NormalizedTransition[] {
  const out: NormalizedTransition[] = [];
  (wf.transitions ?? []).forEach((t, i) => {
    const froms = Array.isArray(t.from) ? t.from : [t.from];
    for (const from of froms) {
      out.push({ event: t.event, from, to: t.to, roles: [...t.roles], when: t.when, effects: t.effects ?? [], requiresStage: t.requiresStage, limit: t.limit, otp: t.otp, verify: t.verify, internal: t.internal, requires: t.requires, requiresFiles: t.requiresFiles, source: `$.transitions[${i}]` });
    }
  });
  for (const [from, row] of Object.entries(wf.matrix ?? {})) {
    for (const [to, cell] of Object.entries(row)) {
      const source = `$.matrix.${from}.${to}`;
      if (Array.isArray(cell)) out.push({ event: to, from, to, roles: [...cell], effects: [], source });
      else out.push({ event: cell.event ?? to, from, to, roles: [...cell.roles], when: cell.when, effects: cell.effects ?? [], source });
    }
  }
  return out;
}
