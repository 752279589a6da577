// Development demo files: a one-page PDF saying what it stands for, or a small PNG, so that demo
// records have documents to list, review and download (never in production).

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

export async function demoFile(fileName: string, about: string, at: Date): Promise<Buffer> {
  if (fileName.toLowerCase().endsWith('.png')) return PNG_1X1;
  const { default: PDFDocument } = await import('pdfkit'); // only when demo records are seeded
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: fileName, CreationDate: at, ModDate: at } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', resolve));
  doc.font('Helvetica-Bold').fontSize(18).text(fileName);
  doc.moveDown().font('Helvetica').fontSize(11).text(`A demo document for ${about}, made by npm start in development.`);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
