import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { apiSuite } from '../support/api-server';
import { ACCOUNTS, TEST_API_KEY, TEST_PASSWORD } from '../support/accounts';
import { logIn } from '../support/http';
import { documentedAnswers } from '../support/documented-answers';
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
  // A third licence of the drug department, whose window opens on 20 March: on the list prepared before reminding.
  await suite.h.register('鲁威药经2023103', '2027-06-20', { holder: { name: '威海仁和堂药店' }, contact: { name: '孙丽', phone: '13700137003' } });
  // The SMS falls due on Sunday 7 March and goes out at 09:00 on Monday 8 March.
  await suite.h.skipTo('2027-03-08T01:01:00.000Z');
  for (const licence of [drugs, transport]) {
    await eventually(async () => expect(await suite.h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
  }
});

async function download(path: string, headers: Record<string, string> = { authorization: `Bearer ${TEST_API_KEY}` }): Promise<{ status: number; type: string | null; disposition: string | null; bytes: Buffer }> {
  const response = await fetch(`${suite.api.url}${path}`, { headers });
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

it('answers every format as its OpenAPI document says, so that a generated client reads the batches too', async () => {
  const expectDocumented = await documentedAnswers(suite.api.url);
  const sms = `signName=${encodeURIComponent('威海审批')}&templateCode=SMS_123&templateId=1234567&smsSdkAppId=1400000000`;
  for (const path of ['/api/v1/ledger?bureau=weihai', '/api/v1/ledger/window-open?bureau=weihai&opensWithinDays=30']) {
    for (const format of ['json', 'sms-aliyun', 'sms-tencent']) {
      const answer = await suite.api.call('GET', `${path}&format=${format}&${sms}`);
      expect(answer.status).toBe(200);
      expectDocumented('GET', path.slice(0, path.indexOf('?')), answer);
    }
  }
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

it("lets a specialist download their department's 台账 before reminding: every licence of the list, the unreminded with 提醒日期 and 提醒人 empty", async () => {
  const specialist = await suite.api.as('specialistA');
  const list = await specialist.call('GET', '/api/v1/ledger/window-open?bureau=weihai&opensWithinDays=30');
  expect(list.status).toBe(200);
  expect(list.body.licences.map((licence: { licenceNumber: string; stage: string; remindersMade: number }) => `${licence.licenceNumber}:${licence.stage}:${licence.remindersMade}`)).toEqual([
    '鲁威药经2023101:window_open:2',
    '鲁威药经2023103:awaiting_window:0',
  ]);
  // Another department's list and ledger are not a specialist's to read.
  const other = await specialist.call('GET', `/api/v1/ledger/window-open?bureau=weihai&department=${encodeURIComponent('经管二科')}`);
  expect(other.status).toBe(403);
  expect(other.body.error.fields).toEqual([{ path: 'query.department', message: 'must be 市场准入二科, or left out' }]);
  expect((await specialist.call('GET', '/api/v1/ledger')).body.rows.map((row: { departmentName: string }) => row.departmentName)).toEqual(['市场准入二科', '市场准入二科']);

  const { cookie } = await logIn(suite.api.url, ACCOUNTS.specialistA.username, TEST_PASSWORD);
  const file = await download('/api/v1/ledger/window-open?bureau=weihai&opensWithinDays=30&format=xlsx', { cookie });
  expect(file.status).toBe(200);
  expect(decodeURIComponent(file.disposition ?? '')).toContain('威海市行政审批服务局证照到期提醒台账（待提醒）-市场准入二科.xlsx');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('市场准入二科')!;
  expect(sheet.getCell('A2').text).toBe('科室：市场准入二科');
  const values = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1).map((value) => (value === undefined || value === null ? '' : value));
  expect(values(4)).toEqual([1, '威海康宁大药房有限公司', '药品经营许可证', '2027-05-31', '张敏', '13800138000', '2027-03-08', '系统', '鲁威药经2023101', '短信提醒', '已发送，待回执']);
  expect(values(5)).toEqual([2, '威海仁和堂药店', '药品经营许可证', '2027-06-20', '孙丽', '13700137003', '', '', '鲁威药经2023103', '', '']);
  expect(sheet.rowCount).toBe(5);
});

it('builds the SMS batch from the to-remind list with every parameter of the engine\u2019s own SMS template, in its order', async () => {
  const query = `bureau=weihai&department=${encodeURIComponent('市场准入二科')}&opensWithinDays=30&signName=${encodeURIComponent('威海审批')}`;
  const aliyun = await suite.api.call('GET', `/api/v1/ledger/window-open?${query}&format=sms-aliyun&templateCode=SMS_123`);
  expect(aliyun.status).toBe(200);
  const [request] = aliyun.body.requests;
  expect(JSON.parse(request.PhoneNumberJson)).toEqual(['13800138000', '13700137003']);
  const parameters = JSON.parse(request.TemplateParamJson);
  expect(Object.keys(parameters[1])).toEqual(['holder', 'licence', 'number', 'expires', 'deadline', 'office', 'booking', 'phone']);
  expect(parameters[1]).toMatchObject({ holder: '威海仁和堂药店', number: '鲁威药经2023103', expires: '2027-06-20' });
  expect(parameters[1].office).not.toBe('');
  const tencent = await suite.api.call('GET', `/api/v1/ledger/window-open?${query}&format=sms-tencent&templateId=1234567&smsSdkAppId=1400000000`);
  expect(tencent.body.requests.map((sent: { TemplateParamSet: string[] }) => sent.TemplateParamSet)).toEqual(
    parameters.map((named: Record<string, string>) => Object.values(named)),
  );
});

it('finds licences by number prefix, holder, stage and expiry, paged and sorted, with contacts masked outside their department', async () => {
  const numbers = async (query: string, caller = suite.api) => {
    const answer = await caller.call('GET', `/api/v1/licences?${query}`);
    expect(answer.status).toBe(200);
    return { total: answer.body.total, numbers: answer.body.licences.map((licence: { licenceNumber: string }) => licence.licenceNumber) };
  };
  expect(await numbers(`number=${encodeURIComponent('鲁威药经2023')}`)).toEqual({ total: 2, numbers: ['鲁威药经2023101', '鲁威药经2023103'] });
  expect(await numbers(`holder=${encodeURIComponent('顺达')}`)).toEqual({ total: 1, numbers: ['鲁交运管2023102'] });
  expect(await numbers('stage=awaiting_window')).toEqual({ total: 1, numbers: ['鲁威药经2023103'] });
  expect(await numbers('expiresFrom=2027-06-01&expiresTo=2027-12-31')).toEqual({ total: 1, numbers: ['鲁威药经2023103'] });
  expect(await numbers('type=WH04')).toEqual({ total: 1, numbers: ['鲁交运管2023102'] });
  expect(await numbers('sort=licenceNumber&order=desc&pageSize=1&page=2')).toEqual({ total: 3, numbers: ['鲁威药经2023101'] });

  const outsider = await suite.api.as('specialistB');
  const seen = await outsider.call('GET', `/api/v1/licences?number=${encodeURIComponent('鲁威药经2023101')}`);
  expect(seen.body.licences[0]).toMatchObject({ holderName: '威海康宁大药房有限公司', contact: { phone: '138****8000' }, stage: 'window_open', licenceType: { code: 'WH01', department: '市场准入二科' } });

  const backwards = await suite.api.call('GET', '/api/v1/licences?expiresFrom=2027-06-01&expiresTo=2027-01-01');
  expect(backwards.status).toBe(400);
  expect(backwards.body.error.fields).toEqual([{ path: 'query.expiresTo', message: 'must not be before expiresFrom (2027-06-01)' }]);

  // The search page: a part of a name lists, an exact number opens the licence.
  const supervisor = await suite.api.as('supervisor');
  const page = await supervisor.call('GET', `/licences?holder=${encodeURIComponent('康宁')}`);
  expect(page.status).toBe(200);
  expect(String(page.body)).toContain('共 1 件');
  expect(String(page.body)).toContain('鲁威药经2023101</a>');
  const exact = await supervisor.call('GET', `/licences?number=${encodeURIComponent('鲁威药经2023101')}`);
  expect(exact.status).toBe(303);
  expect(exact.headers.get('location')).toMatch(/^\/licences\/[0-9a-f-]{36}$/);
});

it("lets the owning department's specialist correct a holder's contact from the licence page, through the same path as PATCH", async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const found = await suite.api.call('GET', `/api/v1/licences?number=${encodeURIComponent('鲁威药经2023103')}`);
  const id = found.body.licences[0].id as string;
  const specialist = await suite.api.as('specialistA');
  expect(String((await specialist.call('GET', `/licences/${id}`)).body)).toContain('更正联系方式');

  const corrected = await specialist.call('POST', `/licences/${id}/contact`, `name=${encodeURIComponent('孙明')}&phone=13600136004`, form);
  expect(corrected.status).toBe(303);
  expect(corrected.headers.get('location')).toMatch(new RegExp(`^/licences/${id}\\?notice=`));
  expect((await suite.api.call('GET', `/api/v1/licences/${id}`)).body.contact).toMatchObject({ name: '孙明', phone: '13600136004' });

  // A bad number goes back to the page naming the field, and changes nothing.
  const bad = await specialist.call('POST', `/licences/${id}/contact`, `name=${encodeURIComponent('孙明')}&phone=12`, form);
  expect(bad.status).toBe(303);
  expect(decodeURIComponent(bad.headers.get('location')!)).toContain('phone');
  // Another department's specialist neither sees the form nor may post it.
  const outsider = await suite.api.as('specialistB');
  expect(String((await outsider.call('GET', `/licences/${id}`)).body)).not.toContain('更正联系方式');
  expect((await outsider.call('POST', `/licences/${id}/contact`, `name=x&phone=13600136005`, form)).status).toBe(403);
  expect((await suite.api.call('GET', `/api/v1/licences/${id}`)).body.contact).toMatchObject({ name: '孙明', phone: '13600136004' });
});

it("lists a bureau's departments in the catalogue's order (四组, 五组 … 十一组), not in code-point order", async () => {
  const admin = await suite.api.as('admin');
  const report = await admin.call('GET', '/api/v1/inspection-report?bureau=luliang');
  expect(report.body.departments.map((department: { department: string }) => department.department)).toEqual(['审批四组', '审批五组', '审批六组', '审批七组', '审批九组', '审批十一组']);
  // An administrator reaches every bureau's supervision pages, and the ledger they link to.
  const page = String((await admin.call('GET', '/inspection?bureau=luliang')).body);
  expect(page).toContain('<a href="/inspection?bureau=weihai">');
  expect(page).toMatch(/<a href="\/inspection\?bureau=luliang" aria-current="page">/);
  expect(page.indexOf('审批四组')).toBeLessThan(page.indexOf('审批十一组'));
  expect((await admin.call('GET', '/api/v1/ledger?bureau=luliang')).status).toBe(200);
});

it('the outcome report: figures per department as JSON, a page with its charts drawn on the server, an Excel export', async () => {
  const supervisor = await suite.api.as('supervisor');
  const figures = await supervisor.call('GET', '/api/v1/outcome-figures?from=2026-01&to=2027-12');
  expect(figures.status).toBe(200);
  expect(figures.body.period).toEqual({ from: '2026-01', to: '2027-12' });
  expect(figures.body.departments.map((department: { department: string }) => department.department)).toContain('市场准入二科');
  const page = String((await supervisor.call('GET', '/figures?from=2026-01&to=2027-12')).body);
  expect(page.match(/<svg /g)).toHaveLength(2);
  expect(page).toContain('提醒覆盖率');
  expect(page).not.toContain('<script');
  const workbook = await supervisor.call('GET', '/api/v1/outcome-figures?from=2026-01&to=2027-12&format=xlsx');
  expect(workbook.status).toBe(200);
  expect(workbook.headers.get('content-type')).toContain('spreadsheetml');
  // Another bureau's figures are not a weihai supervisor's to read.
  expect((await supervisor.call('GET', '/api/v1/outcome-figures?bureau=luliang')).status).toBe(403);
});

it('keeps an inspection run as it was found, per department: follow-ups marked on it, earlier runs opened and exported', async () => {
  // 14 days after the texts the phone tasks open, due three working days later: by 26 March both are overdue.
  await suite.h.skipTo('2027-03-26T02:00:00.000Z');
  await eventually(async () => expect(await suite.h.database.prisma.humanTask.count({ where: { kind: 'phone_call', escalatedAt: { not: null } } })).toBe(2));
  const supervisor = await suite.api.as('supervisor');
  const ran = await supervisor.call('POST', '/api/v1/inspection-runs', { bureau: 'weihai' });
  expect(ran.status).toBe(201);
  expect(ran.body).toMatchObject({ bureau: 'weihai', trigger: 'manual', requestedBy: '陈静（chenjing）', totals: { overdueTasks: 2 }, departmentsToFollowUp: 2 });
  const drugs = () => ran.body.departments.find((department: { department: string }) => department.department === '市场准入二科');
  expect(drugs()).toMatchObject({ overdueTasks: 1, followUp: 'open', followUps: [] });

  const marked = await supervisor.call('POST', `/api/v1/inspection-runs/${ran.body.id}/follow-ups`, { department: '市场准入二科', status: 'resolved', note: '已督促专员完成回访' });
  expect(marked.status).toBe(201);
  expect(marked.body.departmentsToFollowUp).toBe(1);
  expect(marked.body.departments.find((department: { department: string }) => department.department === '市场准入二科')).toMatchObject({
    followUp: 'resolved',
    followUps: [{ status: 'resolved', note: '已督促专员完成回访', markedBy: '陈静（chenjing）' }],
  });
  const nowhere = await supervisor.call('POST', `/api/v1/inspection-runs/${ran.body.id}/follow-ups`, { department: '不存在的科室', status: 'open', note: 'x' });
  expect(nowhere.status).toBe(404);
  expect(nowhere.body.error.fields[0].path).toBe('department');

  // The specialist works the task: the live report moves on, the kept run does not.
  const specialist = await suite.api.as('specialistA');
  const [task] = (await specialist.call('GET', '/api/v1/tasks?department=市场准入二科&status=open')).body.tasks;
  expect((await specialist.call('POST', `/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
  expect((await specialist.call('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'reached' })).status).toBe(200);
  const live = await supervisor.call('GET', '/api/v1/inspection-report');
  expect(live.body.departments.find((department: { department: string }) => department.department === '市场准入二科').overdueTasks).toBe(0);
  const kept = await supervisor.call('GET', `/api/v1/inspection-runs/${ran.body.id}`);
  expect(kept.body.departments.find((department: { department: string }) => department.department === '市场准入二科').overdueTasks).toBe(1);

  const listed = await supervisor.call('GET', '/api/v1/inspection-runs');
  expect(listed.body).toMatchObject({ bureau: 'weihai', cron: '0 9 1 * *', runs: [{ id: ran.body.id, departmentsToFollowUp: 1 }] });
  const { cookie } = await logIn(suite.api.url, ACCOUNTS.supervisor.username, TEST_PASSWORD);
  const file = await download(`/api/v1/inspection-runs/${ran.body.id}?format=xlsx`, { cookie });
  expect(file.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
  const rows = workbook.getWorksheet('汇总')!.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1));
  expect(rows[0]![0]).toMatch(/^威海市行政审批服务局证照到期提醒督促检查（2027\/3\/26 10:00:00）$/);
  expect(rows).toContainEqual(['市场准入二科', 0, 1, 0, '已整改', '已督促专员完成回访', '陈静（chenjing）']);
  expect(rows).toContainEqual(['经管二科', 0, 1, 0, '整改中', '', '']);

  const page = String((await supervisor.call('GET', `/inspection/runs/${ran.body.id}`)).body);
  expect(page).toContain('已督促专员完成回访');
  expect(page).toContain(`/api/v1/inspection-runs/${ran.body.id}?format=xlsx`);
  expect(String((await supervisor.call('GET', '/inspection/runs')).body)).toContain(`/inspection/runs/${ran.body.id}`);
  // Another bureau's runs are not a weihai supervisor's.
  expect((await supervisor.call('POST', '/api/v1/inspection-runs', { bureau: 'luliang' })).status).toBe(403);
});
