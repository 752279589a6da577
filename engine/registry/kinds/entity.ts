// The `entity` kind: record types (fields, keys, scopes, proof); each holds its compiled workflow.
import { checkEntity } from '../../records/check-entity.ts';
import { checkFileSlots } from '../../files/check-file-slots.ts';
import { compileEntity, type CompiledEntity } from '../../records/compile-entity.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { EntityDef } from '../definition-types.ts';

export const entityKind: DefinitionKindModule<'entity', EntityDef, { entities: ReadonlyMap<string, CompiledEntity> }> = {
  kind: 'entity',
  schemaFile: 'entity.schema.json',
  names: { noun: 'entity', citeEarlier: true },
  check: (own, app) =>
    own.flatMap(({ file, definition }) => {
      const problems = checkEntity(file, definition, app);
      checkFileSlots(file, definition, app.app?.definition, (f, path, message) => problems.push({ file: f, path, message }));
      return problems;
    }),
  compile(own, app) {
    const { workflows } = app.part('workflow');
    const appDef = app.app.definition;
    return { entities: new Map(own.map(({ definition: e }) => [e.name, compileEntity(e, appDef, e.workflow ? workflows.get(e.workflow) : undefined)])) };
  },
};
