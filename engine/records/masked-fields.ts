// A record's and a move's document numbers (fields declared `mask: true`) and the inputs a move
// never stores (`store: false`: an Aadhaar number, used by its verification only). The record keeps
// its documents (KYC needs them); everything the engine writes elsewhere shows their last four
// characters (support/mask-document.ts): the timeline's input, events and messages.
import type { FieldSchema } from '../registry/definition-types.ts';
import { maskDocument } from '../support/mask-document.ts';

/** The values of the document fields among `values` (text only). */
export function documentValues(fields: Readonly<Record<string, FieldSchema>>, values: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(values).flatMap(([k, v]) => ((fields[k]?.mask === true || fields[k]?.store === false) && typeof v === 'string' && v ? [v] : []));
}

/** A move's input as the timeline and a pending verification keep it: documents masked, never-stored fields left out. */
export function inputAsKept(fields: Readonly<Record<string, FieldSchema>>, input: Readonly<Record<string, unknown>>, mask: boolean): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input)
      .filter(([k]) => fields[k]?.store !== false)
      .map(([k, v]) => [k, mask && fields[k]?.mask === true && typeof v === 'string' ? maskDocument(v) : v]),
  );
}
