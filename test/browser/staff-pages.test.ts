import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { apiSuite } from '../support/api-server';
import { weihaiDrugLicence } from '../support/licence-bodies';
import { launchBrowser, logInAs, screenshot } from '../support/browser';
import { eventually } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The staff pages in a real browser (Debian's Chromium through playwright-core), over the real API,
// database and Temporal time-skipping server.
const suite = apiSuite();
let browser: Browser;
let licenceId: string;
let taskId: string;
const LICENCE_NUMBER = '鲁威药经2023501';
// Prompt at the window (Sunday 2027-02-28), SMS at Monday 09:00 a week on, the call two weeks after it, at 09:00 Shanghai.
const CALL_DUE = '2027-03-22T01:00:00.000Z';

beforeAll(async () => {
  browser = await launchBrowser();
  const registered = await suite.api.call('POST', '/api/v1/licences', {
    bureau: 'weihai',
    licenceNumber: LICENCE_NUMBER,
    licenceType: 'WH01',
    holder: { name: '威海康宁大药房有限公司' },
    contact: { name: '张敏', phone: '13800138000' },
    issuedOn: '2022-05-31',
    expiresOn: '2027-05-31',
  });
  expect(registered.status).toBe(201);
  licenceId = registered.body.id;
  // The prompt and the SMS go unanswered, so the ladder reaches the phone call.
  await suite.h.skipTo(new Date(Date.parse(CALL_DUE) + 60_000).toISOString());
  taskId = (await suite.h.openTask(licenceId, 'phone_call')).id;
  // Chromium's first launch and the ladder's skip to the call took over 120 s once on a loaded machine.
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

const closeContext = (page: Page) => page.context().close();

it('denies a specialist of another department the task, in the pages and through the API; nothing changes', async () => {
  const page = await logInAs(browser, suite.api.url, 'specialistB');
  expect(new URL(page.url()).pathname).toBe('/inbox');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('社会民生科');
  expect(await page.getByText(LICENCE_NUMBER).count()).toBe(0);

  const opened = await page.goto(`/tasks/${taskId}`);
  expect(opened!.status()).toBe(403);
  await expect(page.getByRole('alert').textContent()).resolves.toContain('无权');
  await screenshot(page, '10-forbidden-task');

  // A claim posted with this person's own valid session and CSRF token is refused all the same.
  await page.goto('/inbox');
  const token = await page.locator('input[name=_csrf]').first().inputValue();
  const claim = await page.request.post(`/tasks/${taskId}/claim`, { form: { _csrf: token }, maxRedirects: 0 });
  expect(claim.status()).toBe(403);
  const task = await suite.h.database.prisma.humanTask.findUniqueOrThrow({ where: { id: taskId } });
  expect(task).toMatchObject({ status: 'open', claimedBy: null });
  await closeContext(page);
});

it('lets a specialist log in, claim and complete the phone task, and see the licence move on', async () => {
  const login = await browser.newPage({ baseURL: suite.api.url, locale: 'zh-CN' });
  await login.goto('/login');
  await screenshot(login, '01-login');
  await login.close();

  const page = await logInAs(browser, suite.api.url, 'specialistA');
  expect(new URL(page.url()).pathname).toBe('/inbox');
  const row = page.getByRole('row', { name: new RegExp(LICENCE_NUMBER) });
  await expect(row.getByRole('cell').nth(3).textContent()).resolves.toContain('13800138000');
  await screenshot(page, '02-inbox');

  // Before: the workflow waits for this call.
  await page.goto(`/licences/${licenceId}`);
  await expect(page.locator('#next-action').textContent()).resolves.toContain('等待专员完成任务');

  await page.goto('/inbox');
  await row.getByRole('button', { name: /领取/ }).click();
  await page.waitForURL(`**/tasks/${taskId}**`);
  await expect(page.getByRole('status').textContent()).resolves.toContain('已领取');
  await expect(page.locator('#task-status').textContent()).resolves.toContain('wangfang');
  await page.getByLabel('办理结果').selectOption({ label: '已接通并告知' });
  await page.getByLabel('备注').fill('负责人已知晓，下周提交换证申请');
  await screenshot(page, '03-task');
  await page.getByRole('button', { name: '提交结果' }).click();

  await page.waitForURL(`**/licences/${licenceId}**`);
  await expect(page.getByRole('status').textContent()).resolves.toContain('办理结果已登记');
  // After: the holder was reached, so the ladder is done and the next step is the expiry check.
  await eventually(async () => {
    await page.reload();
    expect(await page.locator('#next-action').textContent()).toContain('记录到期未换证');
  });
  await expect(page.locator('#stage').textContent()).resolves.toBe('提醒中');
  const timeline = await page.locator('ol.timeline li').allTextContents();
  expect(timeline.some((entry) => entry.includes('已电话提醒') && entry.includes('已接通并告知') && entry.includes('王芳'))).toBe(true);
  await screenshot(page, '04-licence');
  expect(await suite.h.ledger(licenceId)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:reached']);
  await closeContext(page);
});

it('lets a supervisor open a licence timeline, read the inspection report and download the ledger', async () => {
  // A row carried over from a paper ledger without its contact person: the report must name it.
  await suite.h.database.prisma.ledgerEntry.create({
    data: {
      idempotencyKey: 'paper-ledger/1',
      licenceId,
      bureauCode: 'weihai',
      departmentName: '市场准入二科',
      holderName: '威海康宁大药房有限公司',
      licenceName: '药品经营许可证',
      licenceNumber: LICENCE_NUMBER,
      expiresOn: new Date('2027-05-31T00:00:00Z'),
      contactName: '',
      contactPhone: '13800138000',
      remindedAt: new Date('2027-03-02T02:00:00Z'),
      remindedOn: new Date('2027-03-02T00:00:00Z'),
      remindedBy: '王芳',
      channel: 'phone_call',
      outcome: 'reached',
    },
  });
  const page = await logInAs(browser, suite.api.url, 'supervisor');
  expect(new URL(page.url()).pathname).toBe('/dashboard');
  const stages = page.getByRole('table', { name: '各科室证照阶段' });
  await expect(stages.getByRole('row', { name: /市场准入二科/ }).textContent()).resolves.toMatch(/市场准入二科/);
  await screenshot(page, '05-dashboard');

  await page.getByLabel('按证照编号查看办理时间线').fill(LICENCE_NUMBER);
  await page.getByRole('button', { name: '查看' }).click();
  await page.waitForURL(`**/licences/${licenceId}`);
  const timeline = page.getByRole('list', { name: '办理时间线' });
  const entries = await timeline.getByRole('listitem').allTextContents();
  for (const words of ['证照登记，开始跟踪', '提醒期开启', '业务系统提示已送达', '提醒短信已发送', '生成电话提醒任务', '已电话提醒']) {
    expect(entries.some((entry) => entry.includes(words))).toBe(true);
  }
  // The supervisor sees the holder's contact in full.
  await expect(page.getByText('13800138000').count()).resolves.toBeGreaterThan(0);
  await screenshot(page, '06-supervisor-licence');

  await page.getByRole('link', { name: '督促检查' }).click();
  await page.waitForURL('**/inspection');
  const section = page.getByRole('row', { name: /市场准入二科/ });
  await expect(section.textContent()).resolves.toContain('缺少：联系人');
  await screenshot(page, '07-inspection');

  // 定期督促检查: the findings kept as a run, a follow-up marked on the department's part.
  await page.getByRole('link', { name: '历次检查与整改跟进' }).click();
  await page.getByRole('button', { name: '立即检查并存档' }).click();
  await page.waitForURL('**/inspection/runs/*');
  await expect(page.getByRole('status').textContent()).resolves.toContain('检查已完成并存档');
  const kept = page.getByRole('row', { name: /市场准入二科/ });
  await expect(kept.textContent()).resolves.toContain('整改中');
  await kept.getByLabel('状态').selectOption('resolved');
  await kept.getByLabel('说明').fill('已补全纸质台账联系人');
  await kept.getByRole('button', { name: '记录跟进' }).click();
  await expect(page.getByRole('row', { name: /市场准入二科/ }).textContent()).resolves.toMatch(/已整改[\s\S]*陈静（chenjing）：已整改，已补全纸质台账联系人/);
  await screenshot(page, '14-inspection-run');
  const [runExport] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出本次检查（Excel）' }).click()]);
  expect(runExport.suggestedFilename()).toMatch(/督促检查\d{4}-\d{2}-\d{2}\.xlsx$/);
  await page.getByRole('link', { name: '督促检查', exact: true }).click();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载提醒台账（Excel）' }).click()]);
  expect(download.suggestedFilename()).toMatch(/台账.*\.xlsx$/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-')), download.suggestedFilename());
  await download.saveAs(file);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const cells = workbook.worksheets.flatMap((sheet) => sheet.getSheetValues().flat().map(String));
  expect(cells.filter((value) => value === LICENCE_NUMBER).length).toBeGreaterThanOrEqual(3);

  const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出督促检查报告（Excel）' }).click()]);
  expect(report.suggestedFilename()).toMatch(/督促检查\.xlsx$/);

  // 提醒成效: the last twelve months, drawn without script; the phone reminder of March 2027 is in its table.
  await page.getByRole('link', { name: '提醒成效' }).click();
  await page.getByLabel('统计期间从').fill('2026-04');
  await page.getByLabel('至', { exact: true }).fill('2027-03');
  await page.getByRole('button', { name: '统计' }).click();
  await page.waitForURL('**/figures?**');
  await expect(page.locator('figure.chart svg').count()).resolves.toBe(2);
  const byChannel = page.getByRole('table', { name: /期内提醒/ });
  await expect(byChannel.getByRole('row', { name: /市场准入二科\s*人工电话通知/ }).textContent()).resolves.toMatch(/已接通并告知\s*\d+$/);
  await screenshot(page, '13-figures');
  const [figures] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出（Excel）' }).click()]);
  expect(figures.suggestedFilename()).toMatch(/提醒成效2026-04至2027-03\.xlsx$/);

  await page.getByRole('link', { name: '提醒目录' }).click();
  await screenshot(page, '08-catalogue');
  await page.getByRole('link', { name: 'WH01' }).click();
  await page.getByLabel('办理地点').fill('威海市行政审批服务局二楼 12 号窗口');
  await page.getByRole('button', { name: '保存办事指南' }).click();
  await expect(page.getByRole('status').textContent()).resolves.toContain('已保存');
  await expect(page.getByLabel('办理地点').inputValue()).resolves.toBe('威海市行政审批服务局二楼 12 号窗口');
  await screenshot(page, '09-catalogue-entry');
  await closeContext(page);
});

it('lets the administrator create an account and issue an API key that works at once', async () => {
  const page = await logInAs(browser, suite.api.url, 'admin');
  await page.goto('/admin');
  await page.getByLabel('用户名').fill('sunli');
  await page.getByLabel('姓名').fill('孙丽');
  await page.getByLabel('初始密码').fill('a-long-enough-password');
  await page.getByLabel('角色').selectOption('specialist');
  await page.getByLabel('科室（提醒服务专员必填）').selectOption('weihai:经管一科');
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByRole('status').textContent()).resolves.toContain('sunli');
  await page.getByLabel('系统名称').fill('电子证照库');
  await page.getByLabel('审批局', { exact: true }).selectOption('weihai');
  await page.getByRole('button', { name: '签发密钥' }).click();
  const secret = (await page.getByRole('status').locator('code').textContent())!;
  await screenshot(page, '11-admin');
  const session = await fetch(`${suite.api.url}/api/v1/session`, { headers: { authorization: `Bearer ${secret}` } });
  expect(await session.json()).toMatchObject({ principal: { role: 'system', bureau: 'weihai' } });
  await closeContext(page);
});

it('lets the administrator add a regulator and name it on a catalogue entry', async () => {
  const page = await logInAs(browser, suite.api.url, 'admin');
  await page.goto('/regulators?bureau=weihai');
  await page.getByLabel('编号', { exact: false }).fill('drug-safety');
  await page.getByLabel('名称').fill('威海市药品安全委员会办公室');
  await page.getByLabel('推送地址', { exact: false }).fill('https://ypaq.example.gov.cn/approvals/decisions');
  await page.getByLabel('签名密钥位置', { exact: false }).fill('env:REGULATOR_KEY_DRUG_SAFETY');
  await page.getByRole('button', { name: '新增' }).click();
  await page.waitForURL('**/regulators/weihai%3Adrug-safety**');
  await page.goto(`/catalogue/${encodeURIComponent('weihai:WH01')}`);
  await page.getByLabel('威海市药品安全委员会办公室').selectOption('supervising');
  await page.getByRole('button', { name: '保存推送部门' }).click();
  await expect(page.getByRole('status').textContent()).resolves.toContain('推送部门已保存');
  await expect(page.getByText('威海市药品安全委员会办公室（监管部门）').count()).resolves.toBe(1);
  await page.goto(`/regulators/${encodeURIComponent('weihai:drug-safety')}`);
  await expect(page.getByRole('listitem').filter({ hasText: '药品经营许可证' }).textContent()).resolves.toContain('监管部门');
  await screenshot(page, '15-regulator');
  const entry = await (await suite.api.as('admin')).call('GET', `/api/v1/catalogue/${encodeURIComponent('weihai:WH01')}`);
  expect(entry.body.regulators.map((regulator: { id: string; role: string }) => `${regulator.id}:${regulator.role}`)).toEqual(['weihai:market-supervision:competent', 'weihai:drug-safety:supervising']);
  await closeContext(page);
});

it("lets a specialist download their department's 台账 from the inbox, with the licences not yet reminded", async () => {
  // A second licence of the department whose window opens within the month: on the list, not reminded yet.
  const expiresOn = new Date(Date.parse(CALL_DUE) + 100 * 86_400_000).toISOString().slice(0, 10);
  const later = await suite.api.call('POST', '/api/v1/licences', weihaiDrugLicence('鲁威药经2023502', '威海百草堂药店', { name: '周红', phone: '13900139005' }, { expiresOn }));
  expect(later.status).toBe(201);
  const page = await logInAs(browser, suite.api.url, 'specialistA');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /下载本科室证照到期提醒台账/ }).click()]);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile((await download.path())!);
  const sheet = workbook.getWorksheet('市场准入二科')!;
  const numbers = [4, 5].map((row) => sheet.getRow(row).getCell(9).text);
  expect(numbers).toEqual([LICENCE_NUMBER, '鲁威药经2023502']);
  // Reminded: its 提醒日期 and 提醒人; not yet: both empty, to be filled once reminded.
  expect(sheet.getRow(4).getCell(7).text).not.toBe('');
  expect([sheet.getRow(5).getCell(7).text, sheet.getRow(5).getCell(8).text]).toEqual(['', '']);
  await closeContext(page);
});

it("lets the administrator load next year's national schedule on the calendar page", async () => {
  const page = await logInAs(browser, suite.api.url, 'admin');
  await page.goto('/calendar?year=2028');
  await expect(page.getByRole('status').first().textContent()).resolves.toContain('尚未导入');
  await page.getByLabel('年份', { exact: true }).fill('2028');
  await page.getByLabel('依据').fill('国办发明电〔2027〕1号');
  await page.getByLabel('格式').selectOption('csv');
  // The file as Excel saves a CSV in UTF-8: with a byte-order mark.
  await page.getByLabel('选择文件（.csv 或 .ics）').setInputFiles({
    name: '2028年节假日.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('\uFEFFdate,kind,name\n2028-01-01,休,元旦\n2028-01-26,休,春节\n2028-02-05,班,春节调休\n', 'utf8'),
  });
  await page.getByRole('button', { name: '导入' }).click();
  await page.waitForURL('**/calendar?year=2028**');
  await expect(page.getByRole('status').first().textContent()).resolves.toContain('2028 年全国节假日安排已导入，共 3 天');
  await expect(page.getByRole('row', { name: /2028-02-05/ }).textContent()).resolves.toContain('调休上班');
  await screenshot(page, '12-calendar');
  await closeContext(page);
});
