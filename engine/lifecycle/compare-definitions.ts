// What differs between two sets of an app's definitions (two releases, or the live release and what
// the files would make live), definition by definition, in describeChanges' plain-language sentences.
import type { AnyDefinition } from '../registry/definition-types.ts';
import { DEFINITION_KINDS } from '../registry/definition-kinds.ts';
import { describeChanges, type Change } from './describe-changes.ts';
import { checksumOf, type ReleasedDefinition } from './release-store.ts';

export interface DefinitionChanges {
  kind: string;
  name: string;
  /** Where the definition is (after the change; before it, for one removed). */
  file: string;
  changes: Change[];
}

const keyOf = (d: { kind: string; name: string }) => `${d.kind}/${d.name}`;
const kindRank = (kind: string) => {
  const i = (DEFINITION_KINDS as readonly string[]).indexOf(kind);
  return i < 0 ? DEFINITION_KINDS.length : i;
};

/** The definitions whose content differs from `before` to `after`, app first, then in kind and name order. */
export function compareDefinitions(before: readonly ReleasedDefinition[], after: readonly ReleasedDefinition[]): DefinitionChanges[] {
  const old = new Map(before.map((d) => [keyOf(d), d]));
  const now = new Map(after.map((d) => [keyOf(d), d]));
  const out: DefinitionChanges[] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(key);
    const b = now.get(key);
    if (a && b && checksumOf(a.content) === checksumOf(b.content)) continue;
    const d = (b ?? a)!;
    out.push({ kind: d.kind, name: d.name, file: d.file, changes: describe(a, b) });
  }
  return out.sort((x, y) => kindRank(x.kind) - kindRank(y.kind) || x.kind.localeCompare(y.kind) || x.name.localeCompare(y.name));
}

/** The sentences of one change; content a schema would refuse (files not yet valid) is still named. */
function describe(a: ReleasedDefinition | undefined, b: ReleasedDefinition | undefined): Change[] {
  const d = (b ?? a)!;
  let changes: Change[];
  try {
    changes = describeChanges(a?.content as AnyDefinition | undefined, b?.content as AnyDefinition | undefined);
  } catch {
    // describeChanges reads definitions as their schema allows them: a malformed one is said whole.
    return [a && b ? { path: '$', kind: 'changed', sentence: `${d.kind} ${d.name} changed` } : { path: '$', kind: a ? 'removed' : 'added', sentence: `${d.kind} ${d.name} ${a ? 'removed' : 'added'}` }];
  }
  // describeChanges leaves out what says nothing to an admin (`$schema`); the content still differs.
  return changes.length ? changes : [{ path: '$', kind: 'changed', sentence: `${d.kind} ${d.name} changed (nothing an admin reads, such as $schema)` }];
}
