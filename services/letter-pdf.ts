import path from 'node:path';
import PDFDocument from 'pdfkit';

// Noto Sans SC as TrueType (Google Fonts' static instances, shipped by an npm package): pdfkit
// embeds the subset of glyphs a letter uses.
const FONT_PACKAGE = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
const REGULAR = path.join(FONT_PACKAGE, '400Regular', 'NotoSansSC_400Regular.ttf');
const BOLD = path.join(FONT_PACKAGE, '700Bold', 'NotoSansSC_700Bold.ttf');

/** What a letter's PDF shows: the bureau's header and the letter's text, line by line. */
export interface LetterPdfContent {
  /** The bureau's name, printed as the letterhead. */
  bureauName: string;
  /** The letter: its first line is the title, the rest its paragraphs (see `prepareLetter`). */
  body: string;
}

/**
 * Typesets a reminder letter (点对点函告) on A4 in Noto Sans SC: the bureau's letterhead and a
 * rule, the title centred, then the paragraphs; the closing (department and date) flush right.
 * @returns the PDF's bytes.
 */
export async function renderLetterPdf(content: LetterPdfContent): Promise<Buffer> {
  const [title = '', ...lines] = content.body.split('\n');
  const document = new PDFDocument({ size: 'A4', margins: { top: 72, bottom: 72, left: 80, right: 80 }, info: { Title: title, Author: content.bureauName } });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  document.registerFont('regular', REGULAR);
  document.registerFont('bold', BOLD);

  const width = document.page.width - 160;
  document.font('bold').fontSize(20).fillColor('#b22222').text(content.bureauName, { align: 'center', width });
  const ruleY = document.y + 6;
  document.moveTo(80, ruleY).lineTo(80 + width, ruleY).lineWidth(1.5).strokeColor('#b22222').stroke();
  document.moveDown(1.2);
  document.fillColor('black').font('bold').fontSize(18).text(title, { align: 'center', width });
  document.moveDown(0.8);
  // The closing is the last two lines after the last blank one: the signature and the date.
  const closingFrom = lines.lastIndexOf('') + 1;
  lines.forEach((line, index) => {
    const closing = index >= closingFrom && closingFrom > 0;
    document.font('regular').fontSize(12.5).text(line === '' ? ' ' : line, { align: closing ? 'right' : 'left', width, lineGap: 5 });
  });
  document.end();
  return finished;
}
