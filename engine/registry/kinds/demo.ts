// The `demo` kind: development demo records, created through the services (and their events fired).
import { normalizeTransitions } from '../../workflow/normalize-transitions.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { DefinitionProblem, DemoDataDef } from '../definition-types.ts';
import { definitionsByName } from '../definitions-by-name.ts';

export const demoKind: DefinitionKindModule<'demo', DemoDataDef, { /** Development demo data. */ demoData: readonly DemoDataDef[] }> = {
  kind: 'demo',
  schemaFile: 'demo.schema.json',
  check(own, app) {
    const problems: DefinitionProblem[] = [];
    const entities = definitionsByName(app, 'entity');
    const workflows = definitionsByName(app, 'workflow');
    for (const { file: f, definition: d } of own) {
      d.records.forEach((r, i) => {
        const e = entities.get(r.entity);
        if (!e) return problems.push({ file: f, path: `$.records[${i}].entity`, message: `Entity "${r.entity}" is not defined in this app` });
        const wf = e.workflow ? workflows.get(e.workflow) : undefined;
        (r.events ?? []).forEach((ev, j) => (wf ? normalizeTransitions(wf) : []).some((t) => t.event === ev) || problems.push({ file: f, path: `$.records[${i}].events[${j}]`, message: `Event "${ev}" is not an event of entity "${r.entity}"` }));
      });
    }
    return problems;
  },
  compile: (own) => ({ demoData: own.map((d) => d.definition) }),
};
