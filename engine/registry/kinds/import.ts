// The `import` kind: CSV imports (columns to fields, the key rows are matched on, who may run them).
import { checkImport } from '../../imports/check-import.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { ImportDef } from '../definition-types.ts';
import { definitionsByName } from '../definitions-by-name.ts';
import { templatesOf } from './template.ts';

export const importKind: DefinitionKindModule<'import', ImportDef, { /** CSV imports by name. */ imports: ReadonlyMap<string, ImportDef> }> = {
  kind: 'import',
  schemaFile: 'import.schema.json',
  names: { noun: 'import' },
  check(_own, app) {
    const entities = definitionsByName(app, 'entity');
    const templates = templatesOf(app);
    return [...app.named('import').values()].flatMap(({ file, definition }) => checkImport(file, definition, app.app.definition, entities, templates));
  },
  compile: (_own, app) => ({ imports: definitionsByName(app, 'import') }),
};
