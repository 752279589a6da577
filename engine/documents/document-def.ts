// The authored shape of a `document` definition (definitions/_schema/document.schema.json): a
// printable layout over one record — a title, a header, sections of labelled values, a table of an
// array field's items, totals, paragraphs, a footer. Data only: texts are handlebars over
// { record, app, now } (the safe subset templates use), values are plain paths.

/** How a value is printed (format-value.ts). */
export type DocumentFormat = 'text' | 'money' | 'number' | 'integer' | 'date' | 'datetime' | 'percent';

export interface DocumentValue {
  label: string;
  /** A plain path over { record, app, now }: `record.total`. */
  value: string;
  format?: DocumentFormat;
}

export interface DocumentColumn {
  label: string;
  /** A plain path inside one item of the table's array: `unitPrice`. */
  value: string;
  format?: DocumentFormat;
  align?: 'left' | 'center' | 'right';
  /** Relative width (default 1): a column of 3 is three times as wide as a column of 1. */
  width?: number;
}

export type DocumentSection =
  | { heading: string }
  | { fields: DocumentValue[] }
  | { table: { rows: string; columns: DocumentColumn[]; empty?: string } }
  | { totals: (DocumentValue & { emphasis?: boolean })[] }
  | { paragraph: string };

export interface DocumentDef {
  kind: 'document';
  name: string;
  label?: string;
  /** The entity whose records it prints: its paths are checked against the entity's fields. */
  entity?: string;
  page?: { size?: 'A4' | 'A5' | 'LETTER' | 'LEGAL'; margins?: number };
  /** Money is printed in this currency: "Rs" (the standard PDF fonts have no "₹"). */
  currency?: 'INR';
  title: string;
  header?: string;
  sections: DocumentSection[];
  footer?: string;
}
