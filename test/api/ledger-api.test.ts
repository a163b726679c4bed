import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { apiSuite } from '../support/api-server';
import { TEST_API_KEY } from '../support/accounts';
import { eventually } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// Two licences of two departments climb the ladder to their SMS: four ledger rows.
const suite = apiSuite();

beforeAll(async () => {
  const drugs = await suite.h.register('鲁威药经2023101', '2027-05-31');
  const transport = await suite.h.register('鲁交运管2023102', '2027-05-31', {
    licenceType: 'WH04',
    holder: { name: '威海顺达危险货物运输有限公司' },
    contact: { name: '刘洋', phone: '13900139002' },
    issuedOn: '2023-05-31',
  });
  // The SMS falls due on Sunday 7 March and goes out at 09:00 on Monday 8 March.
  await suite.h.skipTo('2027-03-08T01:01:00.000Z');
  for (const licence of [drugs, transport]) {
    await eventually(async () => expect(await suite.h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
  }
});

async function download(path: string): Promise<{ status: number; type: string | null; disposition: string | null; bytes: Buffer }> {
  const response = await fetch(`${suite.api.url}${path}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    disposition: response.headers.get('content-disposition'),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

it('pages the ledger rows with their total, in the template order (department, then day)', async () => {
  const first = await suite.api.call('GET', '/api/v1/ledger?bureau=weihai&pageSize=3');
  expect(first.body).toMatchObject({ page: 1, pageSize: 3, total: 4 });
  expect(first.body.rows).toHaveLength(3);
  const second = await suite.api.call('GET', '/api/v1/ledger?bureau=weihai&pageSize=3&page=2');
  expect(second.body.rows).toHaveLength(1);
  const rows = [...first.body.rows, ...second.body.rows];
  expect(rows.map((row: { departmentName: string; channel: string }) => `${row.departmentName}/${row.channel}`)).toEqual([
    '市场准入二科/auto_prompt',
    '市场准入二科/sms',
    '经管二科/auto_prompt',
    '经管二科/sms',
  ]);
  expect(rows[1]).toMatchObject({
    holderName: '威海康宁大药房有限公司',
    licenceName: '药品经营许可证',
    licenceNumber: '鲁威药经2023101',
    expiresOn: '2027-05-31',
    contactName: '张敏',
    contactPhone: '13800138000',
    remindedOn: '2027-03-08',
    remindedBy: 'system',
    outcome: 'sent',
  });
});

it('filters by department, channel and reminder dates', async () => {
  expect((await suite.api.call('GET', `/api/v1/ledger?bureau=weihai&department=${encodeURIComponent('经管二科')}`)).body.total).toBe(2);
  expect((await suite.api.call('GET', '/api/v1/ledger?bureau=weihai&channel=sms')).body.total).toBe(2);
  expect((await suite.api.call('GET', '/api/v1/ledger?bureau=weihai&from=2027-03-01&to=2027-03-06')).body.total).toBe(0);
  expect((await suite.api.call('GET', '/api/v1/ledger?bureau=weihai&from=2027-02-28&to=2027-02-28')).body.total).toBe(2);
  const backwards = await suite.api.call('GET', '/api/v1/ledger?from=2027-03-08&to=2027-03-01');
  expect(backwards.status).toBe(400);
  expect(backwards.body.error.fields[0].path).toBe('query.to');
});

it('exports the published template as .xlsx: title, 科室 line, header, numbered rows, a sheet per department', async () => {
  const file = await download(`/api/v1/ledger?bureau=weihai&format=xlsx`);
  expect(file.status).toBe(200);
  expect(file.type).toContain('spreadsheetml');
  expect(decodeURIComponent(file.disposition ?? '')).toContain('威海市行政审批服务局证照到期提醒台账.xlsx');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
  expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['市场准入二科', '经管二科']);
  const sheet = workbook.getWorksheet('经管二科')!;
  expect(sheet.getCell('A1').text).toBe('威海市行政审批服务局证照到期提醒台账');
  expect(sheet.getCell('A2').text).toBe('科室：经管二科');
  const header = (sheet.getRow(3).values as unknown[]).slice(1);
  expect(header.slice(0, 8)).toEqual(['序号', '证照持有单位（个人）', '证照名称', '期满日期', '联系人', '联系方式', '提醒日期', '提醒人']);
  const row = (sheet.getRow(5).values as unknown[]).slice(1);
  expect(row.slice(0, 8)).toEqual([2, '威海顺达危险货物运输有限公司', '道路危险货物运输经营许可证', '2027-05-31', '刘洋', '13900139002', '2027-03-08', '系统']);
  expect(sheet.getRow(6).values).toEqual([]);
});

it('exports UTF-8 CSV with a BOM that parses back to the same rows', async () => {
  const file = await download('/api/v1/ledger?bureau=weihai&format=csv&channel=sms');
  expect(file.type).toContain('text/csv');
  expect(file.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const records = parse(file.bytes.toString('utf8'), { bom: true }) as string[][];
  expect(records).toHaveLength(3);
  expect(records[0]![0]).toBe('序号');
  expect(records.slice(1).map((record) => record[1])).toEqual(['威海康宁大药房有限公司', '威海顺达危险货物运输有限公司']);
});

it('exports the SMS providers\u2019 batch requests, and names the settings a format needs', async () => {
  const missing = await suite.api.call('GET', '/api/v1/ledger?bureau=weihai&format=sms-aliyun');
  expect(missing.status).toBe(400);
  expect(missing.body.error.fields.map((field: { path: string }) => field.path).sort()).toEqual(['query.signName', 'query.templateCode']);
  const aliyun = await suite.api.call('GET', `/api/v1/ledger?bureau=weihai&channel=sms&format=sms-aliyun&signName=${encodeURIComponent('威海审批')}&templateCode=SMS_123`);
  expect(aliyun.status).toBe(200);
  expect(JSON.stringify(aliyun.body)).toContain('13900139002');
  const tencent = await suite.api.call(
    'GET',
    `/api/v1/ledger?bureau=weihai&channel=sms&format=sms-tencent&signName=${encodeURIComponent('威海审批')}&templateId=1234567&smsSdkAppId=1400000000`,
  );
  expect(tencent.status).toBe(200);
  expect(JSON.stringify(tencent.body)).toContain('+8613800138000');
});

it("lists a department's licences whose window is open, with contact and reminder status", async () => {
  const { body } = await suite.api.call('GET', `/api/v1/ledger/window-open?bureau=weihai&department=${encodeURIComponent('市场准入二科')}`);
  expect(body.licences).toEqual([
    expect.objectContaining({
      licenceNumber: '鲁威药经2023101',
      departmentName: '市场准入二科',
      expiresOn: '2027-05-31',
      contact: { name: '张敏', phone: '13800138000', flagged: false },
      stage: 'window_open',
      remindersMade: 2,
      lastReminder: { remindedOn: '2027-03-08', channel: 'sms', outcome: 'sent', remindedBy: 'system' },
      openTask: null,
    }),
  ]);
});
