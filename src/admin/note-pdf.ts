import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { NoteContent } from './note';

/** PDF's standard fonts have no Cyrillic: DejaVu is embedded (subset) instead. */
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = {
  regular: join(FONT_DIR, 'DejaVuSans.ttf'),
  bold: join(FONT_DIR, 'DejaVuSans-Bold.ttf'),
  mono: join(FONT_DIR, 'DejaVuSansMono-Bold.ttf'),
};

const MARGIN = 36;
/** The longest a single field may run, in lines, before it is cut with an ellipsis. */
const MAX_VALUE_LINES = 4;

type Doc = PDFKit.PDFDocument;

/** Renders the note as a one-page A5 PDF. */
export function renderNotePdf(note: NoteContent): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A5',
    margin: MARGIN,
    autoFirstPage: true,
    info: { Title: `${note.title} ${note.subtitle}`, Producer: 'Vistka', Creator: 'Vistka' },
    lang: note.language,
  });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  doc.registerFont('mono', FONTS.mono);

  // Shrinks the type until everything fits one page: long medication names must not push the code
  // onto a second sheet that a busy registrar forgets to hand over.
  let scale = 1;
  while (scale > 0.6 && layout(doc, note, scale, false) > doc.page.height - MARGIN) scale -= 0.05;
  layout(doc, note, scale, true);

  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.end();
  return done;
}

/** Lays the note out from the top; draws only when `draw` is set. Returns the y below the last line. */
function layout(doc: Doc, note: NoteContent, scale: number, draw: boolean): number {
  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = doc.page.height - MARGIN;
  let y = MARGIN;

  const block = (font: string, size: number, text: string, options: PDFKit.Mixins.TextOptions = {}, x = left, w = width): number => {
    doc.font(font).fontSize(size * scale);
    const height = Math.min(doc.heightOfString(text, { width: w, ...options }), doc.currentLineHeight(true) * MAX_VALUE_LINES);
    if (draw) doc.text(text, x, y, { width: w, height, ellipsis: true, ...options });
    return height;
  };

  y += block('bold', 16, note.title) + 2;
  y += block('regular', 11, note.subtitle) + 10;

  for (const notice of note.notices) {
    const height = block('bold', 10, notice, {}, left + 6, width - 12);
    if (draw) doc.lineWidth(1.2).rect(left, y - 4, width, height + 8).stroke();
    y += height + 14;
  }

  if (note.number) {
    y += block('regular', 9, note.number.label) + 1;
    y += block('mono', 15, note.number.value, { characterSpacing: 0.5 }) + 10;
  }

  const labelWidth = width * 0.36;
  for (const row of note.rows) {
    doc.font('regular').fontSize(10 * scale);
    const labelHeight = block('regular', 9, row.label, {}, left, labelWidth - 6);
    const valueHeight = block('regular', 10, row.value, {}, left + labelWidth, width - labelWidth);
    y += Math.max(labelHeight, valueHeight) + 4;
    if (draw) doc.lineWidth(0.4).strokeColor('#999999').moveTo(left, y - 2).lineTo(left + width, y - 2).stroke().strokeColor('#000000');
    y += 3;
  }
  y += 6;

  if (note.code) {
    const top = y;
    y += 8;
    y += block('regular', 9, note.code.label, { align: 'center' }) + 4;
    y += block('mono', 26, note.code.value, { align: 'center', characterSpacing: 2 }) + 8;
    if (draw) doc.lineWidth(1.2).dash(4, { space: 3 }).rect(left, top, width, y - top).stroke().undash();
    y += 12;
  }

  // The footer sits under the content, or at the foot of the page when there is room.
  const footerHeight = (() => {
    doc.font('regular').fontSize(8 * scale);
    return doc.heightOfString(note.footer, { width }) + 4 + doc.heightOfString(note.printed, { width });
  })();
  // A little slack: a line that ends a hair below the margin would make PDFKit open a second page.
  const footerTop = Math.max(y, bottom - footerHeight - 2);
  if (draw) {
    const saved = y;
    y = footerTop;
    y += block('regular', 8, note.footer) + 4;
    block('regular', 8, note.printed);
    y = saved;
  }
  return footerTop + footerHeight + 2;
}
