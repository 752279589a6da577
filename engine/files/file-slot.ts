// An entity's attachment slot (`files:` in its definition): what it takes, how much, how many at
// once, whether a document keeps its versions, how it is reviewed, and who may do what.
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledEntity } from '../records/compile-entity.ts';

export interface FileSlotDef {
  label?: string;
  /** What a move that requires a document here answers while the slot is empty (requiresFiles). */
  errorCode?: string;
  /** Media types accepted, judged from the bytes (never from the name or the client's header). */
  types: string[];
  maxBytes: number;
  /** At most this many documents not removed per record: one more is refused with 409. */
  maxActive?: number;
  /** A document may be uploaded again (a new version; every version is kept). Default true. */
  versioned?: boolean;
  review?: {
    /** Review statuses; the first is where an upload (and a re-upload) starts. */
    states: string[];
    /** Statuses under which a new version may be uploaded (default: every status). */
    reupload?: string[];
  };
  roles: {
    upload: string[];
    review?: string[];
    remove?: string[];
  };
}

/** Absolute cap on any slot, whatever a definition says (a definition is admin-authored). */
export const MAX_SLOT_BYTES = 100 * 1024 * 1024;
/** Signed upload URLs live this long. */
export const UPLOAD_SECONDS = 900;
/** Signed download URLs live this long. */
export const DOWNLOAD_SECONDS = 300;

export function slotOf(entity: CompiledEntity, name: string): FileSlotDef {
  const slot = Object.hasOwn(entity.definition.files ?? {}, name) ? entity.definition.files![name] : undefined;
  if (!slot) throw new AppError('NOT_FOUND', `${entity.label} has no file slot "${name}"`, { details: [{ path: '$.slot', message: `Slots: ${Object.keys(entity.definition.files ?? {}).join(', ') || 'none'}` }] });
  return slot;
}

/** The slot's rule for an action: the actor's role must be listed (404-free: they may see the record). */
export function assertSlotRole(slot: FileSlotDef, slotName: string, action: 'upload' | 'review' | 'remove', actor: Actor): void {
  const roles = slot.roles[action] ?? [];
  if (!roles.includes(actor.role)) throw new AppError('FORBIDDEN', `Your role may not ${action} files in "${slotName}"`);
}

export const initialStatus = (slot: FileSlotDef): string | null => slot.review?.states[0] ?? null;
