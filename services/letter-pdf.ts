import path from 'node:path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

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
  /** The licence's WeChat binding link, printed as a QR code beside the closing when the bureau has a WeChat account. */
  wechatBindingUrl?: string;
}

const QR_SIZE = 96;

// Chinese official letters indent paragraphs by two full-width spaces.
const IDEOGRAPHIC_SPACE = '\u3000';

/** A reminder letter's text: the title, the worded reminder, the contact, and the closing (bureau, department, date). */
export function letterText(parts: { message: string; contactName: string; bureauName: string; departmentName: string; day: string }): string {
  return [
    '证照到期提醒函',
    '',
    parts.message,
    `${IDEOGRAPHIC_SPACE.repeat(2)}联系人：${parts.contactName}`,
    '',
    `${parts.bureauName}${IDEOGRAPHIC_SPACE}${parts.departmentName}`,
    parts.day,
  ].join('\n');
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
  if (content.wechatBindingUrl) {
    // Scanned with WeChat, the code binds the licence so that its next reminders come by WeChat.
    const qr = await QRCode.toBuffer(content.wechatBindingUrl, { type: 'png', margin: 1, errorCorrectionLevel: 'M', width: QR_SIZE * 3 });
    if (document.y + QR_SIZE + 40 > document.page.height - 72) document.addPage();
    const top = document.y + 16;
    document.image(qr, 80, top, { width: QR_SIZE, height: QR_SIZE });
    document
      .font('regular')
      .fontSize(10)
      .fillColor('#444444')
      .text('微信扫码绑定本证照，到期提醒将通过微信服务号发送', 80 + QR_SIZE + 12, top + QR_SIZE / 2 - 8, { width: width - QR_SIZE - 12 });
  }
  document.end();
  return finished;
}
