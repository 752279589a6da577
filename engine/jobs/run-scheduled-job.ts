// Runs a job definition: for each step, the records in a state the event can leave whose
// condition holds get the event, fired by the scheduler through the ordinary transition service
// (limits, audit, timeline, effects all apply). A second run finds nothing left to move.
import type { Actor } from '../auth/actor.ts';
import type { EngineContext } from '../engine-context.ts';
import { isAppError } from '../errors/app-error.ts';
import { recordView } from '../records/record-view.ts';
import { recordsInStates } from '../records/record-store.ts';
import { resolveApp, resolveEntity } from '../registry/resolve-target.ts';
import { compileConditionGuard, nowFacts } from '../conditions/condition-guard.ts';
import type { TransitionService } from '../records/transition-service.ts';
import { SYSTEM_ROLE } from '../auth/system-role.ts';

export interface JobStepReport {
  entity: string;
  event: string;
  matched: number;
  moved: number;
  refused: { id: string; code: string; message: string }[];
}

export async function runScheduledJob(ctx: EngineContext, transitions: TransitionService, appId: string, jobName: string): Promise<JobStepReport[]> {
  const app = resolveApp(ctx.registry(), appId);
  const job = app.jobs.get(jobName);
  if (!job) throw new Error(`App "${appId}" has no job "${jobName}"`);
  const actor: Actor = { id: SYSTEM_ROLE, app: app.id, role: SYSTEM_ROLE };
  const reports: JobStepReport[] = [];
  for (const step of job.steps) {
    const entity = resolveEntity(app, step.entity);
    const wf = entity.workflow!;
    const from = [...new Set(wf.transitions.filter((t) => t.event === step.event && t.roles.has(SYSTEM_ROLE)).map((t) => t.from))];
    const guard = step.when ? compileConditionGuard(step.when) : undefined;
    const rows = await recordsInStates(ctx.db.sql, app.id, entity.name, from);
    const report: JobStepReport = { entity: entity.name, event: step.event, matched: 0, moved: 0, refused: [] };
    const now = nowFacts(ctx.clock());
    for (const row of rows) {
      const record = recordView(entity, row);
      if (guard && !(await guard({ record, input: {}, actor: { ...actor }, now }))) continue;
      report.matched++;
      try {
        await transitions.fire({ app: app.id, entity: entity.name }, actor, row.id, step.event, {});
        report.moved++;
      } catch (err) {
        // One record that cannot move (the 21st activation) does not stop the others; it is reported and tried again next run.
        if (!isAppError(err)) throw err;
        report.refused.push({ id: row.id, code: err.publicCode ?? err.code, message: err.message });
      }
    }
    ctx.logger.info({ app: app.id, job: job.name, ...report, refused: report.refused.length }, 'scheduled job step');
    reports.push(report);
  }
  return reports;
}
