import ExcelJS from 'exceljs';
import { ratesChart, remindersChart } from '../../services/outcome-charts';
import { askedPeriod, outcomeFigures, outcomeWorkbook, type OutcomeFigures } from '../../services/outcome-figures';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertWorkflowLicence } from '../support/licence-rows';

const day = (date: string) => new Date(`${date}T00:00:00Z`);
const PERIOD = { from: '2027-01', to: '2027-03' };
const NOW = new Date('2027-04-01T02:00:00Z');

let database: TestDatabase;
let figures: OutcomeFigures;

/** A weihai drug-retail licence (市场准入二科) with its terms, as registration and renewals leave them. */
async function licence(number: string, terms: Array<{ issuedOn: string; expiresOn: string }>) {
  const { licenceId } = await insertWorkflowLicence(database.prisma, number, terms.at(-1)!.expiresOn);
  await database.prisma.licenceTerm.createMany({
    data: terms.map((term, index) => ({ licenceId, term: index + 1, issuedOn: day(term.issuedOn), expiresOn: day(term.expiresOn) })),
  });
  return licenceId;
}

async function reminded(licenceId: string, expiresOn: string, remindedOn: string, channel: string, outcome: string) {
  await database.prisma.ledgerEntry.create({
    data: {
      idempotencyKey: `${licenceId}:${channel}:${remindedOn}`,
      licenceId,
      bureauCode: 'weihai',
      departmentName: '市场准入二科',
      holderName: '威海康宁大药房有限公司',
      licenceName: '药品经营许可证',
      licenceNumber: licenceId,
      expiresOn: day(expiresOn),
      contactName: '张敏',
      contactPhone: '13800138000',
      remindedAt: day(remindedOn),
      remindedOn: day(remindedOn),
      remindedBy: 'system',
      channel,
      outcome,
    },
  });
}

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  // Reminded by text, renewed before its expiry.
  const renewed = await licence('OUT-RENEWED', [{ issuedOn: '2022-02-28', expiresOn: '2027-02-28' }]);
  await reminded(renewed, '2027-02-28', '2027-01-10', 'sms', 'sent');
  await database.prisma.renewalApplication.create({ data: { licenceId: renewed, applicationNumber: 'A-1', appliedOn: day('2027-02-01'), decision: 'approved', decidedOn: day('2027-02-20') } });
  // Called only after it expired, then recorded as lapsed.
  const lapsed = await licence('OUT-LAPSED', [{ issuedOn: '2022-03-15', expiresOn: '2027-03-15' }]);
  await reminded(lapsed, '2027-03-15', '2027-03-20', 'phone_call', 'no_answer');
  await reminded(lapsed, '2027-03-15', '2027-03-16', 'expiry', 'expired_unrenewed');
  // Renewed under the same number in January: its first term expired in the period, reminded in November.
  const sameNumber = await licence('OUT-SAME', [
    { issuedOn: '2022-01-31', expiresOn: '2027-01-31' },
    { issuedOn: '2027-01-20', expiresOn: '2032-01-31' },
  ]);
  await reminded(sameNumber, '2027-01-31', '2026-11-01', 'auto_prompt', 'delivered');
  await database.prisma.renewalApplication.create({ data: { licenceId: sameNumber, applicationNumber: 'A-2', appliedOn: day('2027-01-05'), decision: 'approved', decidedOn: day('2027-01-20') } });
  // Expires after the period; its text of March counts among the period's reminders.
  const later = await licence('OUT-LATER', [{ issuedOn: '2022-05-31', expiresOn: '2027-05-31' }]);
  await reminded(later, '2027-05-31', '2027-03-01', 'sms', 'sent');
  await database.prisma.humanTask.create({
    data: { id: crypto.randomUUID(), idempotencyKey: 'out-task', licenceId: later, departmentId: 'weihai:市场准入二科', workflowId: 'licence/weihai/OUT-LATER', kind: 'phone_call', dueAt: day('2027-03-25') },
  });
  figures = await outcomeFigures(database.prisma, 'weihai', PERIOD, NOW);
}, 120_000);
afterAll(async () => {
  await database?.destroy();
});

it('counts the terms that expired in the period, which were reminded and renewed before expiry, and which lapsed', () => {
  const department = figures.departments.find((row) => row.department === '市场准入二科');
  expect(department).toEqual({
    department: '市场准入二科',
    expiring: 3,
    remindedBeforeExpiry: 2,
    renewedBeforeExpiry: 2,
    lapsed: 1,
    coverage: 2 / 3,
    renewalRate: 2 / 3,
    reminders: [
      { channel: 'phone_call', outcome: 'no_answer', count: 1 },
      { channel: 'sms', outcome: 'sent', count: 2 },
    ],
    overdueTasks: 1,
  });
});

it("lists every department of the bureau in the catalogue's order, those without figures too", async () => {
  const weihai = await database.prisma.department.findMany({ where: { bureauCode: 'weihai' } });
  expect(figures.departments.map((row) => row.department).sort()).toEqual(weihai.map((department) => department.name).sort());
  const quiet = figures.departments.find((row) => row.department === '社会民生科');
  expect(quiet).toMatchObject({ expiring: 0, coverage: null, renewalRate: null, reminders: [], overdueTasks: 0 });
});

it('draws the rates and the reminders as SVG, with the departments named', () => {
  for (const svg of [ratesChart(figures), remindersChart(figures)]) {
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('市场准入二科');
  }
  expect(ratesChart(figures)).toContain('66.7');
  expect(remindersChart(figures)).toContain('短信提醒');
});

it('exports the figures as a workbook in the ledger words', async () => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await outcomeWorkbook(figures, '威海市行政审批服务局')) as never);
  const summary = workbook.getWorksheet('提醒成效')!;
  const row = summary.getSheetValues().find((values) => Array.isArray(values) && values[1] === '市场准入二科') as unknown[];
  expect(row.slice(1)).toEqual(['市场准入二科', 3, 2, '66.7%', 2, '66.7%', 1, 1]);
  const byChannel = workbook.getWorksheet('提醒方式与结果')!.getSheetValues().filter((values) => Array.isArray(values) && values[1] === '市场准入二科');
  expect(byChannel.map((values) => (values as unknown[]).slice(2))).toEqual([
    ['人工电话通知', '无人接听', 1],
    ['短信提醒', '已发送，待回执', 2],
  ]);
});

it('reads the last twelve months up to this month in the bureau zone unless told', () => {
  // 2026-12-31T17:00Z is already January in Shanghai.
  expect(askedPeriod({}, new Date('2026-12-31T17:00:00Z'), 'Asia/Shanghai')).toEqual({ from: '2026-02', to: '2027-01' });
  expect(askedPeriod({ to: '2027-03' }, NOW, 'Asia/Shanghai')).toEqual({ from: '2026-04', to: '2027-03' });
  expect(askedPeriod({ from: '2027-01', to: '2027-02' }, NOW, 'Asia/Shanghai')).toEqual({ from: '2027-01', to: '2027-02' });
});
