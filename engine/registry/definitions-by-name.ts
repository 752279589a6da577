import type { AppDefinitionSet } from './definition-kind-module.ts';
import type { DefinitionKind, DefinitionOfKind } from './definition-kinds.ts';

/** The definitions of a kind by name, without their files: what checks and compiled apps look names up in. */
export function definitionsByName<K extends DefinitionKind>(app: AppDefinitionSet, kind: K): ReadonlyMap<string, DefinitionOfKind<K>> {
  return new Map([...app.named(kind)].map(([name, d]) => [name, d.definition]));
}
