// The per-file half of validation, the same for every kind: each file against its kind's JSON
// Schema, then the kind's own `read` step, then the uniqueness of its name within the app.
import { deepFreeze } from '../support/deep-freeze.ts';
import { resolveEnvReferences, type EnvironmentValues } from '../support/env-references.ts';
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

/**
 * `${NAME}` / `${NAME:-default}` in a definition take the environment before anything is checked,
 * so one release serves every environment (OTP mode, sender ids). A provider's `config` is left
 * as written: it is resolved when the provider is made, and only for providers turned on, so a
 * vendor key that a development machine does not have is not a problem there.
 */
function withEnvironment(file: string, content: unknown, env: EnvironmentValues, problems: DefinitionProblem[]): unknown {
  const details: { path: string; message: string }[] = [];
  const c = content as { kind?: unknown; providers?: Record<string, unknown> } | null;
  let resolved: unknown;
  if (c && typeof c === 'object' && !Array.isArray(c) && c.kind === 'app' && c.providers && typeof c.providers === 'object') {
    const { providers, ...rest } = c;
    resolved = { ...(resolveEnvReferences(rest, env, '$', details, { noSecrets: true }) as object), providers };
  } else resolved = resolveEnvReferences(content, env, '$', details, { noSecrets: true });
  problems.push(...details.map((d) => ({ file, ...d })));
  return resolved;
}

export function readDefinitions(files: readonly { file: string; content: unknown }[], env: EnvironmentValues = {}): ReadDefinitions {
  const read: ReadDefinitions = { problems: [], byKind: new Map(), malformed: new Set(), refusedKinds: new Set() };
  const firstFileOf = new Map<string, string>();
  const refuse = (content: unknown) => {
    // Keep the name of a malformed definition known, so the checks do not repeat its problem as "X is not defined".
    const c = content as { kind?: unknown; name?: unknown } | null;
    if (typeof c?.kind !== 'string') return;
    read.refusedKinds.add(c.kind);
    if (typeof c.name === 'string') read.malformed.add(`${c.kind}:${c.name}`);
  };
  for (const { file, content: authored } of files) {
    const envProblems: DefinitionProblem[] = [];
    const content = withEnvironment(file, authored, env, envProblems);
    if (envProblems.length) {
      read.problems.push(...envProblems);
      refuse(content);
      continue;
    }
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
