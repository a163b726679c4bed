import fs from 'node:fs';
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
