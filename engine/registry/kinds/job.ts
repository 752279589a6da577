// The `job` kind: scheduled jobs that fire events on the records matching a condition.
import { checkJob } from '../../jobs/check-job.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { JobDef } from '../definition-types.ts';
import { definitionsByName } from '../definitions-by-name.ts';

export const jobKind: DefinitionKindModule<'job', JobDef, { /** Scheduled jobs by name. */ jobs: ReadonlyMap<string, JobDef> }> = {
  kind: 'job',
  schemaFile: 'job.schema.json',
  names: { noun: 'job' },
  check(_own, app) {
    const entities = definitionsByName(app, 'entity');
    const workflows = definitionsByName(app, 'workflow');
    return [...app.named('job').values()].flatMap(({ file, definition }) => checkJob(file, definition, entities, workflows));
  },
  compile: (_own, app) => ({ jobs: definitionsByName(app, 'job') }),
};
