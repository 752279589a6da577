// The `template` kind: handlebars messages. A template is compiled as it is read (a syntax error or
// an unknown helper is its own problem); other kinds check the variables it reads.
import { compileTemplate, type CompiledTemplate } from '../../notify/compile-template.ts';
import type { AppDefinitionSet, DefinitionKindModule } from '../definition-kind-module.ts';
import type { DefinitionProblem, SourcedDefinition, TemplateDef } from '../definition-types.ts';

// Definitions are frozen and never change once read: each is compiled once, however many kinds ask.
const compiled = new WeakMap<TemplateDef, { template?: CompiledTemplate; problems: DefinitionProblem[] }>();

function compiledTemplate({ file, definition }: SourcedDefinition<TemplateDef>) {
  let result = compiled.get(definition);
  if (!result) compiled.set(definition, (result = compileTemplate(definition, file)));
  return result;
}

/** The app's compiled templates by name (those that compiled: the others are malformed). */
export function templatesOf(app: AppDefinitionSet): ReadonlyMap<string, CompiledTemplate> {
  return new Map([...app.named('template')].map(([name, t]) => [name, compiledTemplate(t).template!]));
}

export const templateKind: DefinitionKindModule<'template', TemplateDef, { templates: ReadonlyMap<string, CompiledTemplate> }> = {
  kind: 'template',
  schemaFile: 'template.schema.json',
  names: { noun: 'template' },
  read: (t) => compiledTemplate(t).problems,
  compile: (_own, app) => ({ templates: templatesOf(app) }),
};
