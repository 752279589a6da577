import type { CompiledEntity } from './compile-entity.ts';
import type { RecordRow } from './record-row.ts';

/** The record as clients see it: its fields flat, the workflow state under the workflow's field. */
export function recordView(entity: CompiledEntity, row: RecordRow): Record<string, unknown> {
  const view: Record<string, unknown> = { id: row.id, ...row.data };
  if (entity.workflow) view[entity.workflow.field] = row.state;
  view.version = row.version;
  view.createdBy = row.createdBy;
  view.createdAt = row.createdAt.toISOString();
  view.updatedAt = row.updatedAt.toISOString();
  return view;
}

/** The facts a guard sees as `record`: the same view, so guards and clients name fields alike. */
export const recordFacts = recordView;
