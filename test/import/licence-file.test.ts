import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  DEFAULT_COLUMN_MAPPING,
  formatOf,
  readLicenceRows,
  type ImportFormat,
  type ParsedRow,
  type ReadLicenceRowsOptions,
} from '../../services/import/licence-file';
import { PROJECT_ROOT } from '../support/paths';

const CHINESE_HEADER = ['证照编号', '证照名称', '证照持有单位（个人）', '身份证号', '联系人', '联系方式', '联系地址', '发证日期', '期满日期'];
// Weihai's catalogue has 药品经营许可证 under the code WH01; the schema takes either.
const WEIHAI_TYPES = new Set(['药品经营许可证', 'WH01']);
const knownLicenceType = (bureau: string, licenceType: string) => bureau === 'weihai' && WEIHAI_TYPES.has(licenceType);

let directory: string;
let fileCount = 0;

beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-file-test-'));
});

afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

function writeCsv(lines: string[], { bom = false, newline = '\n' } = {}): string {
  const file = path.join(directory, `export-${++fileCount}.csv`);
  fs.writeFileSync(file, `${bom ? '\ufeff' : ''}${lines.join(newline)}${newline}`, 'utf8');
  return file;
}

async function writeXlsx(fill: (sheet: ExcelJS.Worksheet, workbook: ExcelJS.Workbook) => void): Promise<string> {
  const file = path.join(directory, `export-${++fileCount}.xlsx`);
  const workbook = new ExcelJS.Workbook();
  fill(workbook.addWorksheet('证照'), workbook);
  await workbook.xlsx.writeFile(file);
  return file;
}

async function readAll(file: string, options: Partial<ReadLicenceRowsOptions> = {}): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  const format: ImportFormat = formatOf(file);
  for await (const row of readLicenceRows(file, { format, bureau: 'weihai', knownLicenceType, ...options })) rows.push(row);
  return rows;
}

function problemsOf(rows: ParsedRow[]) {
  return rows.flatMap((row) => (row.ok ? [] : row.problems));
}

function bodyAt(rows: ParsedRow[], line: number) {
  const row = rows.find((candidate) => candidate.line === line);
  if (!row?.ok) throw new Error(`line ${line} is not a good row: ${JSON.stringify(row)}`);
  return row.body;
}

describe('formatOf', () => {
  it('tells the format by the extension, in any case', () => {
    expect(formatOf('电子证照导出.CSV')).toBe('csv');
    expect(formatOf('/uploads/export.xlsx')).toBe('xlsx');
  });

  it('refuses other files, naming what it reads', () => {
    expect(() => formatOf('export.xls')).toThrow(/neither a \.csv nor an \.xlsx file.*old \.xls format/);
    expect(() => formatOf('export.txt')).toThrow(/"export\.txt" is neither a \.csv nor an \.xlsx file/);
  });
});

describe('readLicenceRows from CSV', () => {
  it('reads Chinese headers (with a BOM and CRLF line ends) into registration bodies', async () => {
    const file = writeCsv(
      [
        CHINESE_HEADER.join(','),
        '鲁威药经2023001,药品经营许可证,威海康宁大药房有限公司,371002199001011234,张敏,13800138000,威海市环翠区新威路1号,2023-05-31,2028-05-30',
        '鲁威药经2023002,WH01,威海仁和堂药店,,李强,0631-5201234,,2023-06-01,2028-05-31',
      ],
      { bom: true, newline: '\r\n' },
    );

    const rows = await readAll(file);

    expect(rows).toEqual([
      {
        line: 2,
        ok: true,
        body: {
          bureau: 'weihai',
          licenceNumber: '鲁威药经2023001',
          licenceType: '药品经营许可证',
          holder: { name: '威海康宁大药房有限公司', idNumber: '371002199001011234' },
          contact: { name: '张敏', phone: '13800138000', address: '威海市环翠区新威路1号' },
          issuedOn: '2023-05-31',
          expiresOn: '2028-05-30',
        },
      },
      {
        line: 3,
        ok: true,
        body: {
          bureau: 'weihai',
          licenceNumber: '鲁威药经2023002',
          licenceType: 'WH01',
          holder: { name: '威海仁和堂药店' },
          contact: { name: '李强', phone: '06315201234' },
          issuedOn: '2023-06-01',
          expiresOn: '2028-05-31',
        },
      },
    ]);
  });

  it('reads English headers, matching them case-insensitively and trimmed, and takes the bureau from the caller', async () => {
    const file = writeCsv([
      ' Licence_Number ,LICENCE_TYPE,holder_name,holder_id,contact_name,contact_phone,contact_address,issued_on,expires_on,remarks',
      'LW-2023-7,药品经营许可证,Lüliang Pharmacy,,Wang Fang,138 0013-8000,,2023-01-15,2028-01-14,ignored column',
    ]);

    const rows = await readAll(file, { bureau: 'luliang', knownLicenceType: undefined });

    expect(rows).toEqual([
      {
        line: 2,
        ok: true,
        body: {
          bureau: 'luliang',
          licenceNumber: 'LW-2023-7',
          licenceType: '药品经营许可证',
          holder: { name: 'Lüliang Pharmacy' },
          contact: { name: 'Wang Fang', phone: '13800138000' },
          issuedOn: '2023-01-15',
          expiresOn: '2028-01-14',
        },
      },
    ]);
  });

  it('treats full-width and half-width parentheses in a header as the same', async () => {
    const header = CHINESE_HEADER.map((name) => name.replace('（', '(').replace('）', ')'));
    expect(header).toContain('证照持有单位(个人)');
    const file = writeCsv([header.join(','), 'A-1,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-05-31,2028-05-30']);

    expect(bodyAt(await readAll(file), 2).holder.name).toBe('威海康宁大药房有限公司');
  });

  it.each([
    ['2023-05-31', '2028-05-30'],
    ['2023/5/31', '2028/5/30'],
    ['2023.5.31', '2028.5.30'],
    ['2023年5月31日', '2028年5月30日'],
    ['2023/05/31', '2028.05.30'],
  ])('normalises the date forms %s and %s to YYYY-MM-DD', async (issuedOn, expiresOn) => {
    const file = writeCsv([CHINESE_HEADER.join(','), `A-1,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,${issuedOn},${expiresOn}`]);

    const body = bodyAt(await readAll(file), 2);

    expect(body.issuedOn).toBe('2023-05-31');
    expect(body.expiresOn).toBe('2028-05-30');
  });

  it('reports every problem of every bad row with its line, field and reason, and passes the good rows', async () => {
    const good = (number: string) => `${number},药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-05-31,2028-05-30`;
    const file = writeCsv([
      CHINESE_HEADER.join(','),
      good('A-1'), // 2
      'A-2,药品经营许可证,威海康宁大药房有限公司,,,13800138000,,2023-05-31,2028-05-30', // 3: no contact name
      'A-3,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-02-30,2028-05-30', // 4: impossible issue date
      'A-4,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-05-31,2028/2/30', // 5: impossible expiry, other form
      'A-5,不存在的许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-05-31,2028-05-30', // 6: unknown type
      'A-6,药品经营许可证,威海康宁大药房有限公司,,张敏,1380013800,,2023-05-31,2028-05-30', // 7: ten-digit phone
      good('A-1'), // 8: repeats line 2
      'A-1,药品经营许可证,威海康宁大药房有限公司,,张敏,phone,,2023年2月30日,2028-05-30', // 9: three problems
      good('A-7'), // 10
    ]);

    const rows = await readAll(file);

    expect(rows.map((row) => [row.line, row.ok])).toEqual([
      [2, true],
      [3, false],
      [4, false],
      [5, false],
      [6, false],
      [7, false],
      [8, false],
      [9, false],
      [10, true],
    ]);
    expect(problemsOf(rows)).toEqual([
      { line: 3, field: 'contact.name', reason: expect.stringMatching(/^is required/) },
      { line: 4, field: 'issuedOn', reason: expect.stringMatching(/must be a real date/) },
      { line: 5, field: 'expiresOn', reason: expect.stringMatching(/must be a real date/) },
      { line: 6, field: 'licenceType', reason: expect.stringMatching(/"不存在的许可证" is neither a licence name nor a code in bureau weihai's catalogue/) },
      { line: 7, field: 'contact.phone', reason: expect.stringMatching(/must be a mainland mobile number/) },
      { line: 8, field: 'licenceNumber', reason: expect.stringMatching(/licence number of line 2\b/) },
      { line: 9, field: 'contact.phone', reason: expect.stringMatching(/must be a mainland mobile number/) },
      { line: 9, field: 'issuedOn', reason: expect.stringMatching(/must be a real date/) },
      { line: 9, field: 'licenceNumber', reason: expect.stringMatching(/licence number of line 2\b/) },
    ]);
    expect(bodyAt(rows, 10).licenceNumber).toBe('A-7');
  });

  it("reports the schema's cross-field check: an expiry not after the issue date", async () => {
    const file = writeCsv([CHINESE_HEADER.join(','), 'A-1,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-05-31,2023-05-31']);

    expect(problemsOf(await readAll(file))).toEqual([{ line: 2, field: 'expiresOn', reason: 'must be after issuedOn (2023-05-31)' }]);
  });

  it("keeps the file's line numbers across blank lines, blank rows and values that span lines", async () => {
    const file = writeCsv(
      [
        '',
        CHINESE_HEADER.join(','), // 2
        'A-1,药品经营许可证,"威海康宁\r\n大药房",,张敏,13800138000,,2023-05-31,2028-05-30', // 3-4: a line break inside a name
        '',
        ',,,,,,,,', // 6: every cell blank
        'A-2,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000', // 7: too few values
        'A-3,药品经营许可证,"威海康宁大药房\n有限公司",,张敏,13800138000,,2023-05-31,2028-05-30', // 8-9
        'A-4,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-05-31,2028-05-30', // 10
      ],
      { newline: '\r\n' },
    );

    const rows = await readAll(file);

    expect(rows.map((row) => [row.line, row.ok ? 'ok' : row.problems.map((problem) => problem.field).join()])).toEqual([
      [3, 'holder.name'],
      [7, '(row)'],
      [8, 'holder.name'],
      [10, 'ok'],
    ]);
    expect(problemsOf(rows)).toContainEqual({ line: 7, field: '(row)', reason: 'has 6 values where the header has 9 columns; a value containing a comma must be in double quotes' });
  });

  it('fails before any row when a required column is missing, naming the headers it accepts', async () => {
    const header = CHINESE_HEADER.filter((name) => name !== '期满日期');
    const file = writeCsv([header.join(','), 'A-1,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-05-31']);
    const seen: ParsedRow[] = [];

    await expect(async () => {
      for await (const row of readLicenceRows(file, { format: 'csv', bureau: 'weihai' })) seen.push(row);
    }).rejects.toThrow('the file has no column for expiresOn; expected one of: 期满日期, 有效期至, 截止日期, expires_on');
    expect(seen).toEqual([]);
  });

  it('does not require a column for an optional field', async () => {
    const header = CHINESE_HEADER.filter((name) => name !== '身份证号' && name !== '联系地址');
    const file = writeCsv([header.join(','), 'A-1,药品经营许可证,威海康宁大药房有限公司,张敏,13800138000,2023-05-31,2028-05-30']);

    expect(bodyAt(await readAll(file), 2).contact).toEqual({ name: '张敏', phone: '13800138000' });
  });

  it('refuses an empty file', async () => {
    const file = writeCsv(['', '']);

    await expect(readAll(file)).rejects.toThrow(/the file is empty/);
  });

  it('reads a custom mapping instead of the default one', async () => {
    const mapping = {
      licenceNumber: ['许可证号'],
      licenceType: ['类别'],
      'holder.name': ['企业名称'],
      'contact.name': ['负责人'],
      'contact.phone': ['电话'],
      issuedOn: ['起始日期'],
      expiresOn: ['到期日期'],
    };
    // 联系地址 is a default header, but this mapping does not name it.
    const file = writeCsv(['许可证号,类别,企业名称,负责人,电话,联系地址,起始日期,到期日期', 'X-9,WH01,威海康宁大药房有限公司,张敏,13800138000,威海市,2023.5.31,2028.5.30']);

    const rows = await readAll(file, { mapping });

    expect(rows).toEqual([
      {
        line: 2,
        ok: true,
        body: {
          bureau: 'weihai',
          licenceNumber: 'X-9',
          licenceType: 'WH01',
          holder: { name: '威海康宁大药房有限公司' },
          contact: { name: '张敏', phone: '13800138000' },
          issuedOn: '2023-05-31',
          expiresOn: '2028-05-30',
        },
      },
    ]);
    await expect(readAll(writeCsv([CHINESE_HEADER.join(',')]), { mapping })).rejects.toThrow(
      'the file has no column for licenceNumber; expected one of: 许可证号',
    );
  });

  it('refuses a mapping that names a field the body does not have', async () => {
    const file = writeCsv([CHINESE_HEADER.join(',')]);

    await expect(readAll(file, { mapping: { ...DEFAULT_COLUMN_MAPPING, 'holder.nam': ['名称'] } })).rejects.toThrow(/"holder\.nam", which the file cannot feed/);
  });

  it('yields rows while the file is still arriving', async () => {
    const upload = new PassThrough();
    const rows = readLicenceRows(upload, { format: 'csv', bureau: 'weihai' })[Symbol.asyncIterator]();
    upload.write(`${CHINESE_HEADER.join(',')}\nA-1,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-05-31,2028-05-30\n`);
    upload.write('A-2,药品经营许可证,威海康宁大药房有限公司,,张敏,13800138000,,2023-05-31,2028-05-30\n');

    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([
      rows.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no row before the end of the file')), 5000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(first).toEqual({ done: false, value: expect.objectContaining({ line: 2, ok: true }) });

    upload.end();
    const rest: ParsedRow[] = [];
    for (let next = await rows.next(); !next.done; next = await rows.next()) rest.push(next.value);
    expect(rest.map((row) => row.line)).toEqual([3]);
  });

  it('streams a 20,000-row export through', async () => {
    const file = path.join(directory, 'large.csv');
    const out = fs.createWriteStream(file);
    out.write(`${CHINESE_HEADER.join(',')}\n`);
    for (let i = 0; i < 20_000; i++) {
      out.write(`鲁威药经${String(i).padStart(7, '0')},药品经营许可证,威海市第${i}号市场主体,,张敏,13${String(800000000 + i)},,2023-01-01,2028-01-01\n`);
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));

    let good = 0;
    let bad = 0;
    let lastLine = 0;
    for await (const row of readLicenceRows(file, { format: 'csv', bureau: 'weihai', knownLicenceType })) {
      if (row.ok) good += 1;
      else bad += 1;
      lastLine = row.line;
    }

    expect({ good, bad, lastLine }).toEqual({ good: 20_000, bad: 0, lastLine: 20_001 });
  });
});

describe('readLicenceRows from XLSX', () => {
  // Date cells as exceljs gives them: a date at UTC midnight, a date-time at its UTC clock time.
  const writeDateWorkbook = () =>
    writeXlsx((sheet, workbook) => {
      sheet.getRow(3).values = CHINESE_HEADER; // the header is the first non-empty row
      sheet.getRow(4).values = [
        '鲁威药经2023001',
        '药品经营许可证',
        { richText: [{ text: '威海康宁' }, { text: '大药房有限公司' }] },
        null,
        '张敏',
        13800138000,
        null,
        new Date(Date.UTC(2023, 4, 31)),
        new Date(Date.UTC(2028, 4, 30, 23, 59, 59)),
      ];
      // An ID number typed into a number cell: Excel keeps it rounded, as a number cannot hold 18 digits.
      const idNumberAsNumber = Number('371002199001011234');
      sheet.getRow(5).values = ['鲁威药经2023002', 'WH01', '威海仁和堂药店', idNumberAsNumber, '李强', 6315201234, null, '2023/6/1', new Date(Date.UTC(2024, 1, 29))];
      sheet.getRow(6).values = ['鲁威药经2023003', '药品经营许可证', { error: '#N/A' }, null, '王芳', 13800138000, null, '2023-02-30', '2028-05-30'];
      for (const cell of ['H4', 'I5']) sheet.getCell(cell).numFmt = 'yyyy-mm-dd';
      sheet.getCell('I4').numFmt = 'yyyy-mm-dd hh:mm:ss';
      workbook.addWorksheet('说明').getRow(1).values = ['only the first worksheet is read'];
    });

  it('reads real date cells as their calendar dates and number cells without ".0", reporting cells it cannot trust', async () => {
    const rows = await readAll(await writeDateWorkbook());

    expect(rows[0]).toEqual({
      line: 4,
      ok: true,
      body: {
        bureau: 'weihai',
        licenceNumber: '鲁威药经2023001',
        licenceType: '药品经营许可证',
        holder: { name: '威海康宁大药房有限公司' },
        contact: { name: '张敏', phone: '13800138000' },
        issuedOn: '2023-05-31',
        expiresOn: '2028-05-30',
      },
    });
    expect(problemsOf(rows)).toEqual([
      { line: 5, field: 'holder.idNumber', reason: expect.stringMatching(/too long for Excel to keep exactly/) },
      // A landline in a number cell has lost its leading 0: reported, not repaired.
      { line: 5, field: 'contact.phone', reason: expect.stringMatching(/must be a mainland mobile number/) },
      { line: 6, field: 'holder.name', reason: 'is the Excel error #N/A' },
      { line: 6, field: 'issuedOn', reason: expect.stringMatching(/must be a real date/) },
    ]);
    expect(rows.map((row) => row.line)).toEqual([4, 5, 6]);
  });

  it('gives the same dates in any local time zone', async () => {
    const file = await writeDateWorkbook();
    // The zone is fixed when a process starts, so each zone gets its own.
    const script = path.join(directory, 'read-dates.ts');
    fs.writeFileSync(
      script,
      `import { readLicenceRows } from ${JSON.stringify(path.join(PROJECT_ROOT, 'services', 'import', 'licence-file'))};
      (async () => {
        const dates: string[] = [];
        for await (const row of readLicenceRows(process.argv[2] ?? '', { format: 'xlsx', bureau: 'weihai' })) {
          if (row.ok) dates.push(row.body.issuedOn, row.body.expiresOn);
        }
        process.stdout.write(JSON.stringify(dates));
      })();`,
    );
    for (const zone of ['America/New_York', 'Asia/Shanghai']) {
      const result = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), [script, file], { encoding: 'utf8', env: { ...process.env, TZ: zone } });
      expect({ zone, stderr: result.stderr, dates: result.stdout }).toEqual({ zone, stderr: '', dates: JSON.stringify(['2023-05-31', '2028-05-30']) });
    }
  });

  it('fails before any row when a required column is missing', async () => {
    const file = await writeXlsx((sheet) => {
      sheet.getRow(1).values = CHINESE_HEADER.filter((name) => name !== '联系方式');
      sheet.getRow(2).values = ['A-1', '药品经营许可证', '威海康宁大药房有限公司', null, '张敏', null, new Date(Date.UTC(2023, 4, 31)), new Date(Date.UTC(2028, 4, 30))];
    });

    await expect(readAll(file)).rejects.toThrow('the file has no column for contact.phone; expected one of: 联系方式, 联系电话, 手机号码, contact_phone');
  });

  it('says so when the file is not a workbook', async () => {
    const file = path.join(directory, 'renamed.xlsx');
    fs.writeFileSync(file, `${CHINESE_HEADER.join(',')}\n`);

    await expect(readAll(file)).rejects.toThrow(/the file is not a readable \.xlsx workbook/);
  });
});
