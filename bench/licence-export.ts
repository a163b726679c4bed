import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { WEIHAI } from '../catalogue/weihai';
import { parseValidityText } from '../domain';

/** A plausible export: Weihai's expiring types, Chinese headers, expiries spread over five years. */
export function writeLicenceExport(file: string, rows: number): void {
  const types = WEIHAI.catalogue.filter((entry) => parseValidityText(entry.validityText).kind === 'years');
  const lines: string[][] = [['证照编号', '证照名称', '证照持有单位（个人）', '联系人', '联系方式', '发证日期', '期满日期']];
  for (let i = 0; i < rows; i++) {
    const type = types[i % types.length]!;
    const issued = new Date(Date.UTC(2023, 0, 1) + (i % 1000) * 86_400_000);
    const expires = new Date(issued.getTime() + 5 * 365 * 86_400_000);
    lines.push([
      `鲁威${type.code}-${String(i).padStart(7, '0')}`,
      type.licenceName,
      `威海市第${i}号市场主体`,
      '张敏',
      `13${String(800000000 + (i % 100000000)).padStart(9, '0')}`,
      issued.toISOString().slice(0, 10),
      expires.toISOString().slice(0, 10),
    ]);
  }
  fs.writeFileSync(file, stringify(lines));
}

/** An import job as the API reports it. */
export interface ImportJob {
  id: string;
  status: string;
  importedRows: number;
  existingRows: number;
  badRows: number;
  processedRows: number;
}

/**
 * Imports `file` for weihai through `POST /api/v1/imports`, as a bureau would, and follows the job
 * until it is no longer running. @returns the job as it ended and the seconds from the upload.
 */
export async function importThroughApi(
  target: { apiUrl: string; apiKey: string; startsPerSecond: number },
  file: string,
  onProgress?: (job: ImportJob) => void,
): Promise<{ job: ImportJob; seconds: number }> {
  const headers = { authorization: `Bearer ${target.apiKey}` };
  const started = Date.now();
  const response = await fetch(`${target.apiUrl}/api/v1/imports?bureau=weihai&fileName=${path.basename(file)}&startsPerSecond=${target.startsPerSecond}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/csv' },
    body: fs.readFileSync(file),
  });
  let job = (await response.json()) as ImportJob;
  if (response.status !== 202) throw new Error(`import answered ${response.status}: ${JSON.stringify(job)}`);
  while (job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 250));
    job = (await (await fetch(`${target.apiUrl}/api/v1/imports/${job.id}`, { headers })).json()) as ImportJob;
    onProgress?.(job);
  }
  return { job, seconds: (Date.now() - started) / 1000 };
}
