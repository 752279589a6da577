// Checks across a record's fields that a field's own schema cannot say: "single phase up to 10 kW",
// "the panels cover the capacity". An entity declares them as conditions over `record` (its fields
// as they would be written, computed ones included, and its state); each failing check refuses the
// write with its message at its path (400, or the check's own error code). Conditions are data,
// evaluated by the same condition machinery as workflow guards — never code.
import { checkCondition } from '../conditions/check-condition.ts';
import { guardFacts } from '../conditions/check-guard-condition.ts';
import { compileConditionGuard, type ConditionGuard } from '../conditions/condition-guard.ts';
import { AppError } from '../errors/app-error.ts';
import type { Condition, EntityDef, WorkflowDef } from '../registry/definition-types.ts';
import { isValidPath } from '../support/object-path.ts';

export interface EntityCheck {
  /** Only records this holds for are checked (default: every record). */
  when?: Condition;
  /** What must hold. */
  assert: Condition;
  /** Where the problem is reported ($.capacityKw). */
  path: string;
  message: string;
  errorCode?: string;
}

export interface CompiledCheck {
  when?: ConditionGuard;
  assert: ConditionGuard;
  path: string;
  message: string;
  errorCode?: string;
}

export const compileChecks = (checks: readonly EntityCheck[] | undefined): CompiledCheck[] =>
  (checks ?? []).map((c) => ({ when: c.when && compileConditionGuard(c.when), assert: compileConditionGuard(c.assert), path: c.path, message: c.message, errorCode: c.errorCode }));

/** Load-time: the conditions read only `record`, its fields and state; the path names a field. */
export function checkRecordChecks(file: string, e: EntityDef, wf: WorkflowDef | undefined, add: (file: string, path: string, message: string) => void): void {
  const stateField = wf?.field ?? 'status';
  const catalog = { ...guardFacts(e, (wf ?? { field: stateField, input: {} }) as WorkflowDef), facts: ['record'] };
  (e.checks ?? []).forEach((c, i) => {
    const at = `$.checks[${i}]`;
    const field = c.path.replace(/^\$\./, '').split('.')[0] ?? '';
    if (!isValidPath(c.path) || !(field in e.fields || field === stateField)) add(file, `${at}.path`, `"${c.path}" does not name a field of entity "${e.name}"`);
    for (const [key, cond] of [['when', c.when], ['assert', c.assert]] as const) {
      if (cond) for (const p of checkCondition(cond, catalog, `${at}.${key}`)) add(file, p.path, p.message);
    }
  });
}

/** Refuses a write whose record fails a check, listing every failing check. */
export async function assertRecordChecks(checks: readonly CompiledCheck[], record: Record<string, unknown>): Promise<void> {
  if (!checks.length) return;
  const facts = { record, input: {}, actor: {} };
  const failed: CompiledCheck[] = [];
  for (const c of checks) if ((!c.when || (await c.when(facts))) && !(await c.assert(facts))) failed.push(c);
  if (failed.length) throw new AppError('VALIDATION_FAILED', failed[0]!.message, { publicCode: failed.find((c) => c.errorCode)?.errorCode, details: failed.map((c) => ({ path: c.path, message: c.message })) });
}

