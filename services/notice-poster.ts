import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import escapeHtml from 'escape-html';
import QRCode from 'qrcode';
import type { PublishedNotice } from './batch-notices';

const FONT_PACKAGE = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
const FONTS = [path.join(FONT_PACKAGE, '400Regular', 'NotoSansSC_400Regular.ttf'), path.join(FONT_PACKAGE, '700Bold', 'NotoSansSC_700Bold.ttf')];

// A portrait poster, as Moments shows one full width.
const WIDTH = 1080;
const HEIGHT = 1620;
const QR_SIZE = 420;
const TYPES_SHOWN = 5;

/**
 * 朋友圈转发: a bureau's latest batch notice as a poster to post to WeChat Moments — how many
 * licences fall due, of which kinds, and a QR code of the public notice page where the list is.
 * Names no holder: the page does, masked.
 * @returns the PNG.
 */
export async function noticePosterPng(bureauName: string, notice: PublishedNotice | undefined, pageUrl: string): Promise<Buffer> {
  const qr = await QRCode.toString(pageUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  const counts = new Map<string, number>();
  for (const entry of notice?.entries ?? []) counts.set(entry.licence, (counts.get(entry.licence) ?? 0) + 1);
  const kinds = [...counts].sort((a, b) => b[1] - a[1]).slice(0, TYPES_SHOWN);
  const text = (x: number, y: number, size: number, words: string, options: { bold?: boolean; fill?: string; anchor?: string } = {}) =>
    `<text x="${x}" y="${y}" font-size="${size}" font-family="Noto Sans SC" font-weight="${options.bold ? 700 : 400}" fill="${options.fill ?? '#1a1a1a'}" text-anchor="${options.anchor ?? 'middle'}">${escapeHtml(words)}</text>`;
  const lines = [
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<rect width="${WIDTH}" height="260" fill="#003a70"/>`,
    text(WIDTH / 2, 120, 56, bureauName, { bold: true, fill: '#ffffff' }),
    text(WIDTH / 2, 205, 48, '证照到期集中提醒', { fill: '#ffffff' }),
    text(WIDTH / 2, 360, 40, notice ? `${notice.issuedOn} 发布` : '暂无集中提醒'),
    text(WIDTH / 2, 470, 72, notice ? `${notice.entries.length} 张证照即将到期` : '', { bold: true, fill: '#b3261e' }),
    ...kinds.map(([licence, count], index) => text(WIDTH / 2, 560 + index * 56, 38, `${licence}\u3000${count} 张`)),
    text(WIDTH / 2, 880, 36, '请持证人在申请换证时限内办理换证、延续手续'),
    `<svg x="${(WIDTH - QR_SIZE) / 2}" y="940" width="${QR_SIZE}" height="${QR_SIZE}">${qr.replace(/^<\?xml[^>]*>/, '')}</svg>`,
    text(WIDTH / 2, 1430, 40, '微信扫一扫，查看名单与办理方式', { bold: true }),
    text(WIDTH / 2, 1500, 28, pageUrl, { fill: '#555555' }),
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">${lines.join('')}</svg>`;
  const rendered = new Resvg(svg, { font: { fontFiles: FONTS, loadSystemFonts: false, defaultFontFamily: 'Noto Sans SC' }, fitTo: { mode: 'original' } }).render();
  return rendered.asPng();
}
