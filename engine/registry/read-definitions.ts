// The per-file half of validation, the same for every kind: each file against its kind's JSON
// Schema, then the kind's own `read` step, then the uniqueness of its name within the app.
import { deepFreeze } from '../support/deep-freeze.ts';
import { validateDefinitionShape } from './definition-schemas.ts';
import { kindModuleOf, type AnyDefinition, type DefinitionKind } from './definition-kinds.ts';
import type { DefinitionProblem, SourcedDefinition } from './definition-types.ts';

export interface ReadDefinitions {
  problems: DefinitionProblem[];
  /** Definitions that passed, by kind, in file order. */
  byKind: Map<DefinitionKind, SourcedDefinition[]>;
  /** "kind:name" of definitions refused as they were read. */
  malformed: Set<string>;
  /** Kinds of which some definition was refused as it was read. */
  refusedKinds: Set<string>;
}

export function readDefinitions(files: readonly { file: string; content: unknown }[]): ReadDefinitions {
  const read: ReadDefinitions = { problems: [], byKind: new Map(), malformed: new Set(), refusedKinds: new Set() };
  const firstFileOf = new Map<string, string>();
  const refuse = (content: unknown) => {
    // Keep the name of a malformed definition known, so the checks do not repeat its problem as "X is not defined".
    const c = content as { kind?: unknown; name?: unknown } | null;
    if (typeof c?.kind !== 'string') return;
    read.refusedKinds.add(c.kind);
    if (typeof c.name === 'string') read.malformed.add(`${c.kind}:${c.name}`);
  };
  for (const { file, content } of files) {
    const shapeProblems = validateDefinitionShape(file, content);
    read.problems.push(...shapeProblems);
    if (shapeProblems.length) {
      refuse(content);
      continue;
    }
    const definition = deepFreeze(structuredClone(content)) as AnyDefinition;
    const sourced: SourcedDefinition = { file, definition };
    const module = kindModuleOf(definition.kind);
    const readProblems = module.read?.(sourced) ?? [];
    read.problems.push(...readProblems);
    if (readProblems.length) {
      refuse(definition);
      continue;
    }
    if (module.names && 'name' in definition) {
      const key = `${definition.kind}:${definition.name}`;
      const earlier = firstFileOf.get(key);
      if (earlier !== undefined) {
        const where = module.names.citeEarlier ? ` in ${earlier}` : '';
        read.problems.push({ file, path: '$.name', message: `The ${module.names.noun} "${definition.name}" is already defined${where}` });
      } else firstFileOf.set(key, file);
    }
    read.byKind.set(definition.kind, [...(read.byKind.get(definition.kind) ?? []), sourced]);
  }
  return read;
}
