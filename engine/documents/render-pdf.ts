// Lays a compiled document out as a PDF with pdfkit, in its built-in standard fonts (Helvetica:
// nothing embedded, nothing read from disk). Pure and deterministic: the same document, record and
// time give the same bytes — the PDF's dates are the time given, and pdfkit derives the file's ID
// from its info — so a re-render can be compared with what was stored.
import type PDFKit from 'pdfkit';
import { getPath } from '../support/object-path.ts';
import type { CompiledDocument } from './compile-document.ts';
import type { DocumentColumn, DocumentValue } from './document-def.ts';
import { ABSENT, formatValue } from './format-value.ts';

export interface DocumentContext {
  record: Readonly<Record<string, unknown>>;
  app: { id: string; name: string };
  /** The render time: the PDF's creation date and `{{now}}`. */
  now: Date;
}

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const GREY = '#555555';
const RULE = '#bbbbbb';

/**
 * The standard fonts encode WinAnsi only: "₹" is written "Rs", and any other character they lack
 * (Devanagari, emoji) as "?" rather than as a wrong glyph.
 */
function printable(text: string): string {
  return text
    .replace(/₹\s?/g, 'Rs ')
    .replace(/[^\n\t\x20-\x7e\xa0-\xff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/gu, '?');
}

// pdfkit (~25 MB resident with its font metrics) is loaded by the first render, not at start-up.
let pdfkit: Promise<typeof PDFKit> | undefined;
const loadPdfkit = () => (pdfkit ??= import('pdfkit').then((m) => m.default));

export async function renderPdf(document: CompiledDocument, ctx: DocumentContext): Promise<Buffer> {
  const PDFDocument = await loadPdfkit();
  const def = document.definition;
  const margin = def.page?.margins ?? 50;
  const nowIso = ctx.now.toISOString();
  const scope = { record: ctx.record, app: ctx.app, now: nowIso };
  const text = (path: string) => printable(document.texts.get(path)?.render(scope).text ?? '');
  const valueOf = (v: DocumentValue) => printable(formatValue(getPath(scope, v.value), v.format));

  const pdf = new PDFDocument({
    size: def.page?.size ?? 'A4',
    margin,
    bufferPages: true,
    compress: true,
    info: { Title: text('$.title'), Producer: 'Rulepath', Creator: 'Rulepath', CreationDate: ctx.now, ModDate: ctx.now },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const left = margin;
  const width = pdf.page.width - 2 * margin;
  const bottom = () => pdf.page.height - margin - 20; // room for the footer
  const ensure = (height: number) => {
    if (pdf.y + height > bottom()) pdf.addPage();
  };

  pdf.font(BOLD).fontSize(18).fillColor('black').text(text('$.title'), left, pdf.y, { width });
  if (def.header !== undefined) pdf.moveDown(0.4).font(FONT).fontSize(10).fillColor(GREY).text(text('$.header'), left, pdf.y, { width });
  pdf.moveDown(1);

  def.sections.forEach((section, i) => {
    const at = `$.sections[${i}]`;
    if ('heading' in section) {
      ensure(30);
      pdf.moveDown(0.5).font(BOLD).fontSize(12).fillColor('black').text(text(`${at}.heading`), left, pdf.y, { width });
      pdf.moveDown(0.3);
    } else if ('paragraph' in section) {
      pdf.font(FONT).fontSize(10).fillColor('black').text(text(`${at}.paragraph`), left, pdf.y, { width });
      pdf.moveDown(0.6);
    } else if ('fields' in section) {
      pdf.fontSize(10);
      for (const f of section.fields) {
        const value = valueOf(f);
        const h = Math.max(pdf.heightOfString(printable(f.label), { width: width * 0.35 }), pdf.heightOfString(value, { width: width * 0.63 }));
        ensure(h + 4);
        const y = pdf.y;
        pdf.font(BOLD).fillColor(GREY).text(printable(f.label), left, y, { width: width * 0.35 });
        pdf.font(FONT).fillColor('black').text(value, left + width * 0.37, y, { width: width * 0.63 });
        pdf.y = y + h + 4;
      }
      pdf.moveDown(0.6);
    } else if ('table' in section) {
      drawTable(section.table.rows, section.table.columns, section.table.empty);
    } else if ('totals' in section) {
      for (const t of section.totals) {
        const size = t.emphasis ? 12 : 10;
        ensure(size + 8);
        const y = pdf.y;
        if (t.emphasis) pdf.moveTo(left + width * 0.45, y - 2).lineTo(left + width, y - 2).strokeColor(RULE).stroke();
        pdf.font(t.emphasis ? BOLD : FONT).fontSize(size).fillColor('black');
        pdf.text(printable(t.label), left + width * 0.45, y + 1, { width: width * 0.3 });
        pdf.text(valueOf(t), left + width * 0.75, y + 1, { width: width * 0.25, align: 'right' });
        pdf.y = y + size + 8;
      }
      pdf.moveDown(0.6);
    }
  });

  function drawTable(rowsField: string, columns: readonly DocumentColumn[], empty?: string) {
    const weights = columns.map((c) => c.width ?? 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (w / total) * width);
    const xs = widths.map((_, j) => left + widths.slice(0, j).reduce((a, b) => a + b, 0));
    const pad = 3;
    const drawRow = (cells: string[], bold: boolean) => {
      pdf.font(bold ? BOLD : FONT).fontSize(9).fillColor('black');
      const h = Math.max(...cells.map((c, j) => pdf.heightOfString(c, { width: widths[j]! - 2 * pad }))) + 2 * pad;
      ensure(h);
      const y = pdf.y;
      cells.forEach((c, j) => pdf.text(c, xs[j]! + pad, y + pad, { width: widths[j]! - 2 * pad, align: columns[j]!.align ?? 'left' }));
      pdf.moveTo(left, y + h).lineTo(left + width, y + h).strokeColor(RULE).lineWidth(bold ? 1 : 0.5).stroke();
      pdf.y = y + h;
    };
    drawRow(columns.map((c) => printable(c.label)), true);
    const rows = ctx.record[rowsField];
    const items = Array.isArray(rows) ? rows : [];
    for (const item of items) drawRow(columns.map((c) => printable(formatValue(getPath(item, c.value), c.format))), false);
    if (!items.length) drawRow([printable(empty ?? ABSENT), ...columns.slice(1).map(() => '')], false);
    pdf.x = left;
    pdf.moveDown(1);
  }

  // The footer and page numbers on every page, once the pages are known.
  const footer = def.footer !== undefined ? text('$.footer') : '';
  const range = pdf.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    pdf.switchToPage(p);
    const saved = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0; // writing inside the bottom margin must not start a new page
    const y = pdf.page.height - margin - 10;
    pdf.font(FONT).fontSize(8).fillColor(GREY);
    if (footer) pdf.text(footer, left, y, { width: width * 0.8, lineBreak: false });
    pdf.text(`${p + 1} / ${range.count}`, left + width * 0.8, y, { width: width * 0.2, align: 'right', lineBreak: false });
    pdf.page.margins.bottom = saved;
  }
  pdf.end();
  return done;
}
