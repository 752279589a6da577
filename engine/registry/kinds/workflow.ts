// The `workflow` kind: state machines (matrix or transitions), compiled to xstate.
import { analyzeWorkflow, type WorkflowAppNames } from '../../lifecycle/analyze-workflow.ts';
import { checkWorkflow } from '../../workflow/check-workflow.ts';
import { compileWorkflow } from '../../workflow/compile-workflow.ts';
import type { CompiledWorkflow } from '../../workflow/compiled-workflow.ts';
import type { AppDefinitionSet, DefinitionKindModule } from '../definition-kind-module.ts';
import type { WorkflowDef } from '../definition-types.ts';

/** What the analysis checks names against; a definition refused by its schema still exists, so it is named. */
function appNames(app: AppDefinitionSet): WorkflowAppNames {
  const malformed = (kind: string) => [...app.malformed].filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1));
  return {
    roles: Object.keys(app.app.definition.roles),
    templates: [...app.named('template').keys(), ...malformed('template')],
    otpPolicies: [...app.named('otp').keys(), ...malformed('otp')],
  };
}

export const workflowKind: DefinitionKindModule<'workflow', WorkflowDef, { workflows: ReadonlyMap<string, CompiledWorkflow> }> = {
  kind: 'workflow',
  schemaFile: 'workflow.schema.json',
  names: { noun: 'workflow', citeEarlier: true },
  check(own, app) {
    const names = appNames(app);
    return own.flatMap(({ file, definition }) => [...analyzeWorkflow(file, definition, names), ...checkWorkflow(file, definition, app)]);
  },
  compile: (own) => ({ workflows: new Map(own.map(({ definition: w }) => [w.name, compileWorkflow(w)])) }),
};
