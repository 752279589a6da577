import type { AppDefinitionSet } from './definition-kind-module.ts';
import type { DefinitionKind, DefinitionOfKind } from './definition-kinds.ts';
import type { AppDef, SourcedDefinition } from './definition-types.ts';

/** The definitions read from one app folder, as every kind's checks and compile step see them. */
export function definitionSet(byKind: ReadonlyMap<DefinitionKind, readonly SourcedDefinition[]>, app: SourcedDefinition<AppDef>, malformed: ReadonlySet<string>, production: boolean): AppDefinitionSet {
  const named = new Map<DefinitionKind, Map<string, SourcedDefinition>>();
  const all = <K extends DefinitionKind>(kind: K) => (byKind.get(kind) ?? []) as readonly SourcedDefinition<DefinitionOfKind<K>>[];
  return {
    app,
    all,
    named<K extends DefinitionKind>(kind: K) {
      let byName = named.get(kind);
      if (!byName) named.set(kind, (byName = new Map(all(kind).map((d) => [(d.definition as { name?: string }).name ?? '', d]))));
      return byName as unknown as ReadonlyMap<string, SourcedDefinition<DefinitionOfKind<K>>>;
    },
    malformed,
    production,
  };
}
