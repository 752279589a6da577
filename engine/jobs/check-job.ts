// Cross-checks of a job definition: its time zone is one this runtime knows, and each step names
// an entity with a workflow, an event of it that the scheduler may fire, and a condition over that
// entity's fields.
import { SYSTEM_ROLE } from '../auth/system-role.ts';
import { checkGuardCondition } from '../conditions/check-guard-condition.ts';
import type { DefinitionProblem, EntityDef, JobDef, WorkflowDef } from '../registry/definition-types.ts';
import { normalizeTransitions } from '../workflow/normalize-transitions.ts';

// Asked of Intl (the ICU data Node ships), which the scheduler's date library (luxon) uses too: a
// name refused here would make every run of the job fail, so it is refused with the definition.
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function checkJob(file: string, job: JobDef, entities: ReadonlyMap<string, EntityDef>, workflows: ReadonlyMap<string, WorkflowDef>): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (f: string, path: string, message: string) => problems.push({ file: f, path, message });
  if (job.timezone !== undefined && !isTimeZone(job.timezone)) add(file, '$.timezone', `"${job.timezone}" is not a time zone this server knows: use an IANA name such as "Asia/Kolkata" or "UTC"`);
  job.steps.forEach((step, i) => {
    const at = `$.steps[${i}]`;
    const entity = entities.get(step.entity);
    if (!entity) return add(file, `${at}.entity`, `Entity "${step.entity}" is not defined in this app`);
    const wf = entity.workflow ? workflows.get(entity.workflow) : undefined;
    if (!wf) return add(file, `${at}.entity`, `Entity "${step.entity}" has no workflow to fire events on`);
    const moves = normalizeTransitions(wf).filter((t) => t.event === step.event);
    if (moves.length === 0) add(file, `${at}.event`, `Workflow "${wf.name}" has no event "${step.event}"`);
    else if (!moves.some((t) => t.roles.includes(SYSTEM_ROLE))) add(file, `${at}.event`, `Event "${step.event}" does not list the role "${SYSTEM_ROLE}", so the scheduler may not fire it`);
    if (step.when) checkGuardCondition(file, `${at}.when`, step.when, entity, wf, add);
  });
  return problems;
}
