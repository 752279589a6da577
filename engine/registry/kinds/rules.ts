// The `rules` kind: promotion rulesets (which entity holds promotions, its facts, groups, pricing).
import { checkRuleset } from '../../promotions/check-ruleset.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { RulesDef } from '../definition-types.ts';
import { definitionsByName } from '../definitions-by-name.ts';

export const rulesKind: DefinitionKindModule<'rules', RulesDef, { /** Promotion rulesets by name. */ rulesets: ReadonlyMap<string, RulesDef> }> = {
  kind: 'rules',
  schemaFile: 'rules.schema.json',
  names: { noun: 'ruleset' },
  check(_own, app) {
    const entities = definitionsByName(app, 'entity');
    const workflows = definitionsByName(app, 'workflow');
    return [...app.named('rules').values()].flatMap(({ file, definition }) => checkRuleset(file, definition, entities, workflows));
  },
  compile: (_own, app) => ({ rulesets: definitionsByName(app, 'rules') }),
};
