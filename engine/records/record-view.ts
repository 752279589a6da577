import type { CompiledEntity } from './compile-entity.ts';
import type { RecordSessionToken } from '../auth/record-session.ts';
import type { RecordRow } from './record-row.ts';
import type { JourneyStatus } from '../workflow/journey-status.ts';
import type { EntityPermission } from '../registry/definition-types.ts';
import { hiddenFields, withoutHidden } from './hidden-fields.ts';

export interface RecordTarget {
  app: string;
  entity: string;
}

/** What a record operation answers: the record as clients see it, and where a journey stands. */
export interface RecordResult {
  data: Record<string, unknown>;
  journeyStatus?: JourneyStatus;
  /** A create by a public role with a record session: the token that opens the record (auth/record-session.ts). */
  session?: RecordSessionToken;
}

/**
 * The record as clients see it: its fields flat, the workflow state under the workflow's field.
 * Guards see the same view as `record`, so definitions and clients name fields alike.
 */
export function recordView(entity: CompiledEntity, row: RecordRow): Record<string, unknown> {
  const view: Record<string, unknown> = { id: row.id, ...row.data };
  if (entity.workflow) view[entity.workflow.field] = row.state;
  view.version = row.version;
  view.createdBy = row.createdBy;
  view.createdAt = row.createdAt.toISOString();
  view.updatedAt = row.updatedAt.toISOString();
  return view;
}

/**
 * What a write answers to its actor: the record without the fields its role may not see, or — for a
 * role that may write but not read (the eKYC applicant) — only where it stands (id, state, version
 * and the events it may fire next).
 */
export function answerFor(entity: CompiledEntity, permission: EntityPermission, data: Record<string, unknown>): Record<string, unknown> {
  if (permission.read === true) return withoutHidden(data, hiddenFields(permission));
  const keep = ['id', 'version', 'allowedEvents', 'transition', ...(entity.workflow ? [entity.workflow.field] : [])];
  return Object.fromEntries(keep.filter((k) => k in data).map((k) => [k, data[k]]));
}
