import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import {
  aliyunBatchSms,
  excelSheetName,
  LEDGER_COLUMN_TITLES,
  ledgerCsv,
  ledgerWorkbook,
  mainlandMobileNumber,
  tencentBatchSms,
  type LedgerExportRow,
} from '../../services/ledger-export';

const BUREAU = '威海市行政审批服务局';
const TITLE = '威海市行政审批服务局证照到期提醒台账';
const HEADER = [
  '序号',
  '证照持有单位（个人）',
  '证照名称',
  '期满日期',
  '联系人',
  '联系方式',
  '提醒日期',
  '提醒人',
  '证照编号',
  '提醒方式',
  '提醒结果',
];

function ledgerRow(overrides: Partial<LedgerExportRow> = {}): LedgerExportRow {
  return {
    departmentName: '市场准入二科',
    holderName: '威海康宁大药房有限公司',
    licenceName: '药品经营许可证',
    licenceNumber: '鲁威药经2023101',
    expiresOn: '2027-05-31',
    contactName: '张敏',
    contactPhone: '13800138000',
    remindedOn: '2027-03-07',
    remindedBy: 'system',
    channel: 'sms',
    outcome: 'sent',
    ...overrides,
  };
}

/** Rows of distinct licences and distinct mobile numbers, as a large department's SMS day would have. */
function distinctRows(count: number): LedgerExportRow[] {
  return Array.from({ length: count }, (_, index) =>
    ledgerRow({
      holderName: `威海持证单位${index + 1}`,
      licenceNumber: `鲁威药经${String(index + 1).padStart(5, '0')}`,
      contactPhone: `1390000${String(index).padStart(4, '0')}`,
    }),
  );
}

async function readWorkbook(file: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own Buffer type; a Node Buffer is what it reads at run time.
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  return workbook;
}

function rowValues(sheet: ExcelJS.Worksheet, rowNumber: number): unknown[] {
  // exceljs puts nothing at index 0 so that index n is column n.
  return (sheet.getRow(rowNumber).values as unknown[]).slice(1);
}

function parseJsonArray(json: string): unknown[] {
  const value: unknown = JSON.parse(json);
  expect(Array.isArray(value)).toBe(true);
  return value as unknown[];
}

describe('ledgerWorkbook', () => {
  const rows = [
    ledgerRow({ channel: 'auto_prompt', outcome: 'delivered', remindedOn: '2027-02-28' }),
    ledgerRow({
      departmentName: '经管二科',
      holderName: '威海顺达危险货物运输有限公司',
      licenceName: '道路危险货物运输经营许可证',
      licenceNumber: '鲁交运管2023102',
      contactName: '刘洋',
      contactPhone: '13900139002',
      channel: 'auto_prompt',
      outcome: 'delivered',
      remindedOn: '2027-02-28',
    }),
    ledgerRow({ channel: 'sms' }),
    ledgerRow({ channel: 'phone_call', remindedBy: '王丽', outcome: 'reached', remindedOn: '2027-03-10' }),
  ];

  it('writes the published template on one sheet per department, each numbered from 1', async () => {
    const workbook = await readWorkbook(await ledgerWorkbook(rows, { bureauName: BUREAU }));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['市场准入二科', '经管二科']);

    const market = workbook.getWorksheet('市场准入二科')!;
    expect(market.getCell('A1').text).toBe(TITLE);
    expect(market.getCell('A1').font?.bold).toBe(true);
    expect(market.getCell('A1').alignment?.horizontal).toBe('center');
    expect(market.getCell('A2').text).toBe('科室：市场准入二科');
    expect(rowValues(market, 3)).toEqual(HEADER);
    expect(market.getRow(3).getCell(2).font?.bold).toBe(true);
    expect(rowValues(market, 4)).toEqual([
      1,
      '威海康宁大药房有限公司',
      '药品经营许可证',
      '2027-05-31',
      '张敏',
      '13800138000',
      '2027-02-28',
      '系统',
      '鲁威药经2023101',
      '业务系统自动提示',
      '已提示',
    ]);
    expect(rowValues(market, 5)[0]).toBe(2);
    expect(rowValues(market, 5)[9]).toBe('短信提醒');
    expect(rowValues(market, 6)).toEqual([
      3,
      '威海康宁大药房有限公司',
      '药品经营许可证',
      '2027-05-31',
      '张敏',
      '13800138000',
      '2027-03-10',
      '王丽',
      '鲁威药经2023101',
      '人工电话通知',
      '已接通并告知',
    ]);
    expect(market.rowCount).toBe(6);

    const transport = workbook.getWorksheet('经管二科')!;
    expect(transport.getCell('A1').text).toBe(TITLE);
    expect(transport.getCell('A2').text).toBe('科室：经管二科');
    expect(rowValues(transport, 3)).toEqual(HEADER);
    expect(rowValues(transport, 4).slice(0, 3)).toEqual([1, '威海顺达危险货物运输有限公司', '道路危险货物运输经营许可证']);
    expect(transport.rowCount).toBe(4);
  });

  it('merges the title and the 科室 line across all 11 columns and no further', async () => {
    const workbook = await readWorkbook(await ledgerWorkbook(rows, { bureauName: BUREAU }));
    for (const sheet of workbook.worksheets) {
      expect([...sheet.model.merges].sort()).toEqual(['A1:K1', 'A2:K2']);
      expect(sheet.getCell('K1').isMerged).toBe(true);
      expect(sheet.getCell('K1').master.address).toBe('A1');
      expect(sheet.getCell('L1').isMerged).toBe(false);
      expect(sheet.getCell('K2').master.address).toBe('A2');
    }
  });

  it('keeps dates and phone numbers as text, and sizes columns to their content', async () => {
    const workbook = await readWorkbook(await ledgerWorkbook(rows, { bureauName: BUREAU }));
    const sheet = workbook.getWorksheet('市场准入二科')!;
    for (const address of ['D4', 'F4', 'G4']) {
      expect(sheet.getCell(address).type).toBe(ExcelJS.ValueType.String);
      expect(sheet.getCell(address).numFmt).toBe('@');
    }
    expect(sheet.getCell('A4').type).toBe(ExcelJS.ValueType.Number);
    const width = (column: number) => sheet.getColumn(column).width ?? 0;
    // 威海康宁大药房有限公司 is ten Chinese characters, about twenty narrow ones.
    expect(width(2)).toBeGreaterThanOrEqual(20);
    expect(width(2)).toBeGreaterThan(width(1));
    expect(width(4)).toBeGreaterThanOrEqual(10);
    for (let column = 1; column <= HEADER.length; column += 1) expect(width(column)).toBeLessThanOrEqual(40);
  });

  it('shows a channel it has no words for as recorded, and the expiry row as 到期未换证', async () => {
    const workbook = await readWorkbook(
      await ledgerWorkbook([ledgerRow({ channel: 'expiry', outcome: 'lapsed' }), ledgerRow({ channel: 'wechat' })], { bureauName: BUREAU }),
    );
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('J4').text).toBe('到期未换证');
    expect(sheet.getCell('J5').text).toBe('wechat');
  });

  it('gives an empty export one sheet with the title, an empty 科室 line and the header', async () => {
    const workbook = await readWorkbook(await ledgerWorkbook([], { bureauName: BUREAU }));
    expect(workbook.worksheets).toHaveLength(1);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('A1').text).toBe(TITLE);
    expect(sheet.getCell('A2').text).toBe('科室：');
    expect(rowValues(sheet, 3)).toEqual(HEADER);
    expect(sheet.rowCount).toBe(3);
  });

  it('names the asked-for department on the sheet and 科室 line when it has nothing to report', async () => {
    const workbook = await readWorkbook(await ledgerWorkbook([], { bureauName: BUREAU, departmentName: '经管二科' }));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['经管二科']);
    expect(workbook.worksheets[0]!.getCell('A2').text).toBe('科室：经管二科');
  });

  it('makes department names valid, distinct sheet names while the 科室 line keeps the full name', async () => {
    const longName = '威海市行政审批服务局市场准入与经营管理第二科室综合业务受理窗口一组';
    const sameStart = `${longName}二组`;
    const workbook = await readWorkbook(
      await ledgerWorkbook(
        [ledgerRow({ departmentName: '综合科/窗口[一]:*?' }), ledgerRow({ departmentName: longName }), ledgerRow({ departmentName: sameStart })],
        { bureauName: BUREAU },
      ),
    );
    const names = workbook.worksheets.map((sheet) => sheet.name);
    expect(names[0]).toBe('综合科窗口一');
    expect(names[1]).toBe(longName.slice(0, 31));
    expect(names[2]).toHaveLength(31);
    expect(names[2]).toMatch(/\(2\)$/);
    expect(workbook.worksheets[2]!.getCell('A2').text).toBe(`科室：${sameStart}`);
  });

  it.each([
    ["'引号科'", '引号科'],
    ['History', '台账'],
    ['  ', '台账'],
  ])('turns the department %p into the sheet name %p', (department, sheetName) => {
    expect(excelSheetName(department)).toBe(sheetName);
  });
});

describe('ledgerCsv', () => {
  const tricky = ledgerRow({ holderName: '威海"鑫源"商贸有限公司,环翠区分公司', contactName: '李四\n（夜班）' });
  const rows = [ledgerRow(), tricky, ledgerRow({ departmentName: '经管二科', remindedBy: '王丽', channel: 'letter', outcome: '已签收' })];

  it('starts with a byte order mark and ends every line with CRLF', () => {
    const csv = ledgerCsv([ledgerRow(), ledgerRow({ channel: 'phone_call' })]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).not.toMatch(/[^\r]\n/);
    expect(csv.split('\r\n')).toHaveLength(4);
    expect(csv.slice(1).split('\r\n')[0]).toBe(HEADER.join(','));
  });

  it('parses back to the same Chinese text, comma, quote and line break included', () => {
    const csv = ledgerCsv(rows);
    // Excel ends a record at an unquoted line break whatever the file's own line ending is.
    expect(csv).toContain('"李四\n（夜班）"');
    expect(csv).toContain('"威海""鑫源""商贸有限公司,环翠区分公司"');
    const records = parse(csv, { bom: true }) as string[][];
    expect(records[0]).toEqual(HEADER);
    expect(records.slice(1).map((record) => record[0])).toEqual(['1', '2', '3']);
    expect(records[2]).toEqual([
      '2',
      '威海"鑫源"商贸有限公司,环翠区分公司',
      '药品经营许可证',
      '2027-05-31',
      '李四\n（夜班）',
      '13800138000',
      '2027-03-07',
      '系统',
      '鲁威药经2023101',
      '短信提醒',
      '已发送，待回执',
    ]);
    expect(records[3]!.slice(7)).toEqual(['王丽', '鲁威药经2023101', '点对点函告', '已签收']);
  });

  it('gives the header alone for no rows', () => {
    expect(parse(ledgerCsv([]), { bom: true })).toEqual([HEADER]);
  });

  it('keeps a holder name from running as a formula when Excel opens the file', () => {
    const records = parse(ledgerCsv([ledgerRow({ holderName: '=HYPERLINK("http://example.invalid","点此")' })]), { bom: true }) as string[][];
    expect(records[1]![1]).toBe('\'=HYPERLINK("http://example.invalid","点此")');
  });

  it('names its columns with the shared titles', () => {
    expect(LEDGER_COLUMN_TITLES).toEqual(HEADER);
  });
});

describe('mainlandMobileNumber', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['+86 13800138000', '13800138000'],
    ['008613800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['0631-5201234', null],
    ['1380013800', null],
    ['138001380001', null],
    ['12800138000', null],
    ['+85291234567', null],
    ['', null],
  ])('reads %p as %p', (typed, mobile) => {
    expect(mainlandMobileNumber(typed)).toBe(mobile);
  });
});

describe('aliyunBatchSms', () => {
  const settings = { signName: '威海审批', templateCode: 'SMS_123456789' };

  it('splits 250 numbers into calls of 100, 100 and 50 whose JSON arrays line up', () => {
    const rows = distinctRows(250);
    const { requests, skipped } = aliyunBatchSms(rows, settings);
    expect(skipped).toEqual([]);
    expect(requests.map((request) => parseJsonArray(request.PhoneNumberJson).length)).toEqual([100, 100, 50]);
    for (const request of requests) {
      expect(typeof request.PhoneNumberJson).toBe('string');
      expect(typeof request.SignNameJson).toBe('string');
      expect(typeof request.TemplateParamJson).toBe('string');
      const phones = parseJsonArray(request.PhoneNumberJson);
      const signs = parseJsonArray(request.SignNameJson);
      const parameters = parseJsonArray(request.TemplateParamJson);
      expect(signs).toHaveLength(phones.length);
      expect(parameters).toHaveLength(phones.length);
      expect(new Set(signs)).toEqual(new Set(['威海审批']));
      expect(request.TemplateCode).toBe('SMS_123456789');
    }
    const allPhones = requests.flatMap((request) => parseJsonArray(request.PhoneNumberJson));
    expect(allPhones).toEqual(rows.map((row) => row.contactPhone));
    const allParameters = requests.flatMap((request) => parseJsonArray(request.TemplateParamJson));
    expect(allParameters[149]).toEqual({ holder: '威海持证单位150', licence: '药品经营许可证', number: '鲁威药经00150', expiresOn: '2027-05-31' });
  });

  it('fills one call with exactly 100 numbers', () => {
    expect(aliyunBatchSms(distinctRows(100), settings).requests).toHaveLength(1);
    expect(aliyunBatchSms(distinctRows(101), settings).requests).toHaveLength(2);
    expect(aliyunBatchSms([], settings)).toEqual({ requests: [], skipped: [] });
  });

  it('reports rows it cannot text, and a repeat of a message to the same number, instead of sending them', () => {
    const landline = ledgerRow({ holderName: '威海华夏书店', contactPhone: '0631-5201234' });
    const shortNumber = ledgerRow({ holderName: '威海好运来超市', contactPhone: '1380013800' });
    const noPhone = ledgerRow({ holderName: '威海海鲜餐饮', contactPhone: ' ' });
    const prompt = ledgerRow({ channel: 'auto_prompt' });
    const sms = ledgerRow({ channel: 'sms' });
    const spaced = ledgerRow({ holderName: '威海顺达运输', contactPhone: '+86 139-0013-9002' });
    const { requests, skipped } = aliyunBatchSms([landline, prompt, shortNumber, sms, noPhone, spaced], settings);
    expect(skipped).toEqual([
      { row: landline, reason: 'not an 11-digit mainland mobile number' },
      { row: shortNumber, reason: 'not an 11-digit mainland mobile number' },
      { row: sms, reason: 'same number and message as an earlier row' },
      { row: noPhone, reason: 'no contact phone' },
    ]);
    expect(requests).toHaveLength(1);
    expect(parseJsonArray(requests[0]!.PhoneNumberJson)).toEqual(['13800138000', '13900139002']);
    expect(parseJsonArray(requests[0]!.TemplateParamJson).map((parameters) => (parameters as { holder: string }).holder)).toEqual([
      '威海康宁大药房有限公司',
      '威海顺达运输',
    ]);
  });
});

describe('tencentBatchSms', () => {
  const settings = { smsSdkAppId: '1400000000', signName: '威海审批', templateId: '1234567' };

  it('groups numbers by identical template parameters and writes them in E.164', () => {
    const pharmacy = ledgerRow();
    const pharmacyManager = ledgerRow({ contactName: '赵强', contactPhone: '13700137000' });
    const transport = ledgerRow({
      holderName: '威海顺达危险货物运输有限公司',
      licenceName: '道路危险货物运输经营许可证',
      licenceNumber: '鲁交运管2023102',
      contactPhone: '13900139002',
    });
    const { requests, skipped } = tencentBatchSms([pharmacy, transport, pharmacyManager], settings);
    expect(skipped).toEqual([]);
    expect(requests).toEqual([
      {
        PhoneNumberSet: ['+8613800138000', '+8613700137000'],
        SmsSdkAppId: '1400000000',
        SignName: '威海审批',
        TemplateId: '1234567',
        TemplateParamSet: ['威海康宁大药房有限公司', '药品经营许可证', '鲁威药经2023101', '2027-05-31'],
      },
      {
        PhoneNumberSet: ['+8613900139002'],
        SmsSdkAppId: '1400000000',
        SignName: '威海审批',
        TemplateId: '1234567',
        TemplateParamSet: ['威海顺达危险货物运输有限公司', '道路危险货物运输经营许可证', '鲁交运管2023102', '2027-05-31'],
      },
    ]);
  });

  it('splits a group beyond 200 numbers into calls of 200', () => {
    const sameLicence = Array.from({ length: 450 }, (_, index) => ledgerRow({ contactPhone: `1360000${String(index).padStart(4, '0')}` }));
    const { requests } = tencentBatchSms([...sameLicence, ...distinctRows(3)], settings);
    expect(requests.map((request) => request.PhoneNumberSet.length)).toEqual([200, 200, 50, 1, 1, 1]);
    for (const request of requests) {
      for (const phone of request.PhoneNumberSet) expect(phone).toMatch(/^\+861[3-9]\d{9}$/);
    }
    expect(new Set(requests.flatMap((request) => request.PhoneNumberSet)).size).toBe(453);
    expect(requests[2]!.TemplateParamSet).toEqual(['威海康宁大药房有限公司', '药品经营许可证', '鲁威药经2023101', '2027-05-31']);
  });

  it('reports rows it cannot text as the Aliyun export does', () => {
    const landline = ledgerRow({ contactPhone: '0631-5201234' });
    const { requests, skipped } = tencentBatchSms([landline, ledgerRow(), ledgerRow({ channel: 'auto_prompt' })], settings);
    expect(skipped.map((entry) => entry.reason)).toEqual(['not an 11-digit mainland mobile number', 'same number and message as an earlier row']);
    expect(skipped[0]!.row).toBe(landline);
    expect(requests.map((request) => request.PhoneNumberSet)).toEqual([['+8613800138000']]);
  });
});
