import PDFDocument from 'pdfkit';
import type { Chart } from './charts';
import type { Block } from './report-document';
import type { Language } from './recommendations';

/**
 * The report as a PDF, laid out with pdfkit (pure JavaScript, its standard fonts: runs in Lambda without a
 * browser). Standard fonts write WinAnsi, which covers French; the blocks use no character outside it.
 */
const MARGIN = 40;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

type Doc = InstanceType<typeof PDFDocument>;

const bottom = (doc: Doc) => doc.page.height - MARGIN;
const usable = (doc: Doc) => doc.page.width - 2 * MARGIN;

function ensureRoom(doc: Doc, height: number) {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function table(doc: Doc, head: string[], rows: string[][]) {
  const size = head.length > 6 ? 7 : 8;
  // Columns as wide as their longest cell asks, shared out over the page.
  const wants = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => Math.min(40, row[i]!.length)), 3));
  const total = wants.reduce((sum, want) => sum + want, 0);
  const widths = wants.map((want) => (want / total) * usable(doc));
  const line = (cells: string[], font: string) => {
    doc.font(font).fontSize(size);
    const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i]! - 4 }))) + 4;
    ensureRoom(doc, height);
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      doc.rect(x, y, widths[i]!, height).strokeColor('#cccccc').stroke();
      doc.fillColor('#222222').text(cell, x + 2, y + 2, { width: widths[i]! - 4 });
      x += widths[i]!;
    });
    doc.x = MARGIN;
    doc.y = y + height;
  };
  line(head, BOLD);
  for (const row of rows) line(row, FONT);
  doc.moveDown(0.5);
}

function chart(doc: Doc, { width, height, shapes }: Chart, title: string) {
  const scale = Math.min(1, usable(doc) / width);
  ensureRoom(doc, height * scale + 24);
  const top = doc.y;
  const at = (x: number, y: number) => [MARGIN + x * scale, top + y * scale] as const;
  for (const shape of shapes) {
    if (shape.kind === 'rect') {
      const [x, y] = at(shape.x, shape.y);
      doc.rect(x, y, shape.width * scale, shape.height * scale).fill(shape.fill);
    } else if (shape.kind === 'line') {
      doc
        .moveTo(...at(shape.x1, shape.y1))
        .lineTo(...at(shape.x2, shape.y2))
        .strokeColor(shape.stroke)
        .stroke();
    } else {
      const [x, y] = at(shape.x, shape.y);
      doc
        .font(FONT)
        .fontSize(shape.size * scale)
        .fillColor('#222222');
      const textWidth = doc.widthOfString(shape.text);
      doc.text(shape.text, shape.anchor === 'end' ? x - textWidth : x, y - shape.size * scale, { lineBreak: false });
    }
  }
  doc.x = MARGIN;
  doc.y = top + height * scale + 4;
  doc
    .font(FONT)
    .fontSize(8)
    .fillColor('#555555')
    .text(title, { width: usable(doc) });
  doc.fillColor('#222222').moveDown(0.5);
}

function block(doc: Doc, item: Block) {
  switch (item.kind) {
    case 'title':
      doc
        .font(BOLD)
        .fontSize(16)
        .text(item.text, { width: usable(doc) })
        .moveDown(0.5);
      return;
    case 'heading':
      ensureRoom(doc, 40);
      doc
        .moveDown(0.5)
        .font(BOLD)
        .fontSize(12)
        .text(item.text, { width: usable(doc) })
        .moveDown(0.3);
      return;
    case 'paragraph':
      doc
        .font(FONT)
        .fontSize(9)
        .text(item.text, { width: usable(doc) })
        .moveDown(0.3);
      return;
    case 'list':
      doc
        .font(FONT)
        .fontSize(9)
        .list(item.items, { width: usable(doc) - 10 })
        .moveDown(0.3);
      doc.x = MARGIN;
      return;
    case 'table':
      table(doc, item.head, item.rows);
      return;
    case 'chart':
      chart(doc, item.chart, item.title);
  }
}

/** The blocks as a PDF (A4), its creation date the report's own, so one month's figures give one file. */
export function renderPdf(blocks: Block[], language: Language, createdAt: Date): Promise<Buffer> {
  const title = blocks.find((item) => item.kind === 'title')?.text ?? 'Vigie';
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: language,
    info: { Title: title, Author: 'Vigie', CreationDate: createdAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const item of blocks) block(doc, item);
  doc.end();
  return done;
}
