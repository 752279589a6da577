// `render`: a document (a `document` definition) rendered as a PDF from the record as it will be
// written — computed fields included — stored write-once in the app's blob store, its key and hash
// written on the record with the change, in the same write (seed 001 §4.3: "Once stored, it
// generates an immutable PDF and stores it in Azure Blob"). It runs in the `prepare` step, before
// the write: a render or a store that fails refuses the change (503 DOCUMENT_RENDER_FAILED) and
// nothing is written; a PDF stored for a write that then fails is never the record's (abandon).
import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.ts';
import { ProviderError } from '../plugin-api.ts';
import { renderPdf } from '../documents/render-pdf.ts';
import type { EffectModule, PrepareDeps, Prepared } from './effect-module.ts';

export interface RenderEffect {
  /** The `document` definition to render. */
  document: string;
  /** The record field (type object) that receives { key, sha256, size, contentType, renderedAt, document }. */
  field: string;
  /** Kept at least this many years (the store refuses to delete it before): seven for a quotation. */
  retainYears?: number;
}

/** What the record's field holds once its document is stored. */
export interface StoredDocument {
  key: string;
  sha256: string;
  size: number;
  contentType: 'application/pdf';
  renderedAt: string;
  document: string;
}

const failed = (message: string, cause: unknown) =>
  new AppError('DOCUMENT_RENDER_FAILED', message, { cause, details: cause instanceof ProviderError ? [{ path: '$', message: cause.transient ? 'The blob store did not answer; try again' : 'The blob store refused the document' }] : undefined });

function addYears(at: Date, years: number): Date {
  const d = new Date(at.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

export const renderDocument: EffectModule<RenderEffect, RenderEffect> = {
  schema: 'common.schema.json#/definitions/effect/properties/render',
  // Also on a record the `create` effect makes: its PDF is stored inside the creating move's
  // transaction, before the record is inserted (records-in-transaction.ts).
  places: ['onCreate', 'transition', 'workflow'],
  phase: 'after',
  check(body, at) {
    const doc = at.documents.get(body.document);
    if (!doc) at.add(`${at.path}.render.document`, `Document "${body.document}" is not defined in this app`);
    // A document naming an entity the app lacks has its own problem.
    else if (doc.entity && at.entity && doc.entity !== at.entity.name && at.entities.has(doc.entity)) at.add(`${at.path}.render.document`, `Document "${body.document}" prints ${doc.entity} records, not ${at.entity.name}`);
    if (!at.entity) return;
    const field = Object.hasOwn(at.entity.fields, body.field) ? at.entity.fields[body.field] : undefined;
    if (!field) at.add(`${at.path}.render.field`, `Entity "${at.entity.name}" has no field "${body.field}"`);
    else if (field.type !== 'object') at.add(`${at.path}.render.field`, `"${body.field}" receives the stored document's key and hash: it must be a field of type object`);
  },
  plan: (body) => ({ prepare: body }),
  async prepare(step, deps: PrepareDeps): Promise<Prepared> {
    const document = deps.app.documents.get(step.document);
    if (!document) throw new AppError('DOCUMENT_RENDER_FAILED', `Document "${step.document}" is not defined`);
    let pdf: Buffer;
    try {
      pdf = await renderPdf(document, { record: deps.record, app: { id: deps.app.id, name: deps.app.name }, now: deps.now });
    } catch (err) {
      deps.logger.error({ err, app: deps.app.id, entity: deps.entity, id: deps.recordId, document: step.document }, 'a document could not be rendered');
      throw failed(`The ${step.document} document could not be rendered; nothing was saved`, err);
    }
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    // A key of its own for every render: a write-once store never holds two PDFs under one key.
    const key = `documents/${deps.entity}/${deps.recordId}/${step.document}-${randomUUID()}.pdf`;
    const retainUntil = step.retainYears ? addYears(deps.now, step.retainYears) : undefined;
    try {
      const stored = await deps.blob.write(key, pdf, { contentType: 'application/pdf', immutable: true, ...(retainUntil ? { retainUntil } : {}) });
      if (stored.sha256 !== sha256 || stored.size !== pdf.length) throw new Error(`the store holds ${stored.size} bytes hashing ${stored.sha256}, not the ${pdf.length} written`);
    } catch (err) {
      deps.logger.error({ err, app: deps.app.id, key }, 'a document could not be stored');
      throw failed(`The ${step.document} document could not be stored; nothing was saved, try again`, err);
    }
    const value: StoredDocument = { key, sha256, size: pdf.length, contentType: 'application/pdf', renderedAt: deps.now.toISOString(), document: step.document };
    return {
      fields: { [step.field]: value },
      // The write did not happen: the PDF is no record's. A write-once store refuses the delete
      // (that is its point); the key, under documents/<entity>/<an id no record has>/, is then logged
      // as an orphan for the operator, and nothing ever points to it.
      async abandon() {
        try {
          await deps.blob.delete(key);
        } catch (err) {
          deps.logger.warn({ err, app: deps.app.id, key }, 'orphaned document: its write failed and the store keeps it');
        }
      },
    };
  },
};
