// Which fields of an entity hold stored documents: those a `render` effect fills, wherever it is declared.
import type { Effect } from '../effects/effect-registry.ts';
import type { CompiledEntity } from './compile-entity.ts';

/** The fields of an entity that a `render` effect fills (onCreate, a move, the workflow's own): what records.document serves. */
export function documentFieldsOf(entity: CompiledEntity | undefined): string[] {
  if (!entity) return [];
  const wf = entity.workflow?.definition;
  const cells = Object.values(wf?.matrix ?? {}).flatMap((row) => Object.values(row)).flatMap((c) => (Array.isArray(c) ? [] : (c.effects ?? [])));
  const effects: Effect[] = [...(entity.definition.onCreate ?? []), ...(wf?.onCreate ?? []), ...(wf?.effects ?? []), ...(wf?.transitions ?? []).flatMap((t) => t.effects ?? []), ...cells];
  return [...new Set(effects.flatMap((e) => ('render' in e ? [e.render.field] : [])))];
}
