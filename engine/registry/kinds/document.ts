// The `document` kind: printable layouts over one record (a quotation's PDF), rendered by the
// `render` effect. Its texts compile as it is read (a bad template is its own problem); its paths
// are checked against the entity it names.
import { checkDocument } from '../../documents/check-document.ts';
import { compileDocument, type CompiledDocument } from '../../documents/compile-document.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { DocumentDef } from '../definition-types.ts';

export const documentKind: DefinitionKindModule<'document', DocumentDef, { /** Documents by name, their texts compiled. */ documents: ReadonlyMap<string, CompiledDocument> }> = {
  kind: 'document',
  schemaFile: 'document.schema.json',
  names: { noun: 'document' },
  check(own, app) {
    const entities = app.named('entity');
    const workflows = app.named('workflow');
    return own.flatMap(({ file, definition }) => {
      if (definition.entity === undefined) return checkDocument(file, definition, undefined);
      const entity = entities.get(definition.entity)?.definition;
      if (!entity) {
        // An entity refused by its own schema has had its problem reported already.
        if (app.malformed.has(`entity:${definition.entity}`)) return [];
        return [{ file, path: '$.entity', message: `Entity "${definition.entity}" is not defined in this app` }];
      }
      const stateField = entity.workflow ? (workflows.get(entity.workflow)?.definition.field ?? 'status') : undefined;
      return checkDocument(file, definition, { definition: entity, stateField });
    });
  },
  compile: (_own, app) => ({ documents: new Map([...app.named('document')].map(([name, { file, definition }]) => [name, compileDocument(definition, file).document!])) }),
};
