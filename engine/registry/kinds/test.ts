// The `test` kind: saved test cases (simulations and what must come out), stored, versioned and
// released with the app's other definitions. Running them is engine/lifecycle/run-test-cases.ts:
// a failing case is not a problem of the definitions (a draft may fail its cases while it is
// worked on) but it refuses the publish of a change set.
import { checkTestCases } from '../../lifecycle/check-test-cases.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { TestDef } from '../definition-types.ts';
import { definitionsByName } from '../definitions-by-name.ts';

export const testKind: DefinitionKindModule<'test', TestDef, { /** Saved test cases by name. */ tests: ReadonlyMap<string, TestDef> }> = {
  kind: 'test',
  schemaFile: 'test.schema.json',
  names: { noun: 'test' },
  check: checkTestCases,
  compile: (_own, app) => ({ tests: definitionsByName(app, 'test') }),
};
