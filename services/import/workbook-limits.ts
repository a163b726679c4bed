import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { Refusal } from '../refusal';

/** How large an XLSX may grow once unzipped: a few kilobytes can unzip to gigabytes. */
export interface WorkbookLimits {
  /** Every part of the workbook together. */
  maxUnzippedBytes: number;
  /** The shared strings part, which the reader holds in memory whole. */
  maxSharedStringsBytes: number;
}

export const DEFAULT_WORKBOOK_LIMITS: WorkbookLimits = { maxUnzippedBytes: 500 * 1024 * 1024, maxSharedStringsBytes: 100 * 1024 * 1024 };

const SHARED_STRINGS = /^xl\/sharedStrings\.xml$/i;
const FIRST_SHEET = /^xl\/worksheets\/sheet1\.xml$/i;
// The sheet's extent as Excel writes it near the top: `<dimension ref="A1:G1001"/>`.
const DIMENSION = /<dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"/;

/** What the check learnt of the workbook on the way. */
export interface WorkbookShape {
  /** The first sheet's last row as the workbook declares it, when it does: enough for progress. */
  lastRow?: number;
}

/**
 * Unzips an XLSX without keeping anything, counting the bytes of every part: sizes declared in the
 * archive are checked first, then the real ones (the reader refuses a part that unzips to other than
 * it declares), so that a workbook is read only when it fits the limits.
 *
 * @throws Refusal (invalid, field `body`) naming the limit passed, or saying the file is no workbook.
 */
export async function checkWorkbookSize(file: string, limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS): Promise<WorkbookShape> {
  const shape: WorkbookShape = {};
  const tooLarge = (what: string, limit: number) =>
    new Refusal('invalid', 'workbook_too_large', `The workbook unzips to more than ${limit} bytes (${what}): save it again from Excel, or split it.`, [
      { path: 'body', message: `${what} must unzip to at most ${limit} bytes` },
    ]);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, autoClose: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
    );
  } catch (error) {
    throw notAWorkbook(error);
  }
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        zip.close();
        reject(error);
      };
      zip.on('error', fail);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const sharedStrings = SHARED_STRINGS.test(entry.fileName);
        if (sharedStrings && entry.uncompressedSize > limits.maxSharedStringsBytes) return fail(tooLarge('its shared strings', limits.maxSharedStringsBytes));
        if (total + entry.uncompressedSize > limits.maxUnzippedBytes) return fail(tooLarge('all its parts together', limits.maxUnzippedBytes));
        if (entry.fileName.endsWith('/')) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (error, stream: Readable) => {
          if (error) return fail(notAWorkbook(error));
          let bytes = 0;
          let head = FIRST_SHEET.test(entry.fileName) ? '' : undefined;
          stream.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (head !== undefined && head.length < 4096) {
              head += chunk.toString('utf8', 0, Math.min(chunk.length, 4096));
              const dimension = DIMENSION.exec(head);
              if (dimension) shape.lastRow = Number(dimension[1]);
            }
            if (sharedStrings && bytes > limits.maxSharedStringsBytes) stream.destroy(tooLarge('its shared strings', limits.maxSharedStringsBytes));
            else if (total + bytes > limits.maxUnzippedBytes) stream.destroy(tooLarge('all its parts together', limits.maxUnzippedBytes));
          });
          stream.on('error', (streamError) => fail(streamError instanceof Refusal ? streamError : notAWorkbook(streamError)));
          stream.on('end', () => {
            total += bytes;
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    if (zip.isOpen) zip.close();
  }
  return shape;
}

function notAWorkbook(error: unknown): Refusal {
  const reason = error instanceof Error ? error.message : String(error);
  return new Refusal('invalid', 'not_a_workbook', `The file is not a readable .xlsx workbook: ${reason}`, [{ path: 'body', message: `is not a readable .xlsx workbook (${reason})` }]);
}
