// The `workflow` kind: state machines (matrix or transitions), compiled to xstate.
import { checkWorkflow } from '../../workflow/check-workflow.ts';
import { compileWorkflow } from '../../workflow/compile-workflow.ts';
import type { CompiledWorkflow } from '../../workflow/compiled-workflow.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { WorkflowDef } from '../definition-types.ts';

export const workflowKind: DefinitionKindModule<'workflow', WorkflowDef, { workflows: ReadonlyMap<string, CompiledWorkflow> }> = {
  kind: 'workflow',
  schemaFile: 'workflow.schema.json',
  names: { noun: 'workflow', citeEarlier: true },
  check: (own, app) => own.flatMap(({ file, definition }) => checkWorkflow(file, definition, app)),
  compile: (own) => ({ workflows: new Map(own.map(({ definition: w }) => [w.name, compileWorkflow(w)])) }),
};
