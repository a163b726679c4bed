import { DateTime } from 'luxon';
import { batchNoticeScheduleId, ensureBatchNoticeSchedules, publishBatchNoticeNow } from '../../services/batch-notice-schedules';
import { compileBatchNotice, publishBatchNotice } from '../../activities/batch-notices';
import { ensureInspectionSchedules, inspectionScheduleId } from '../../services/inspection-schedules';
import { recordScheduledInspection } from '../../activities/inspections';
import type { batchNoticeWorkflow } from '../../workflows/batch-notice-workflow';
import { eventually, LifecycleHarness } from '../support/lifecycle';
import { downAtFirst } from '../support/outages';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The portal is down for the first two deliveries: the first notice's.
const portal = downAtFirst('/portal/batch-notices', 2);

let h: LifecycleHarness;
beforeAll(async () => {
  h = await LifecycleHarness.start({ intercept: portal.intercept });
});
afterEach(async () => h.endTest());
afterAll(async () => {
  await h?.teardown();
});

const deps = () => ({ prisma: h.database.prisma, temporal: h.env.client, taskQueue: h.taskQueue });

it('lists the licences whose window is open, people masked, soonest first, and publishes the day once through a portal outage', async () => {
  await h.beginTest();
  const prisma = h.database.prisma;
  // WH02 (food production) is not a type the bureau notifies in batch.
  await prisma.catalogueEntry.update({ where: { bureauCode_code: { bureauCode: 'weihai', code: 'WH02' } }, data: { batchNotices: false } });
  await prisma.catalogueEntry.update({ where: { bureauCode_code: { bureauCode: 'weihai', code: 'WH13' } }, data: { renewalDeadline: '有效期届满30日前' } });
  await h.register('BN-PHARMACY', '2027-05-31');
  await h.register('BN-NURSE', '2027-05-20', { licenceType: 'WH13', holder: { name: '李娜' }, contact: { name: '李娜', phone: '13800138201' } });
  await h.register('BN-FOOD', '2027-05-10', { licenceType: 'WH02', holder: { name: '威海海之味食品有限公司' } });
  await h.register('BN-LATER', '2027-12-31');
  await h.skipTo('2027-03-01T02:00:00.000Z');
  await eventually(async () => expect(await prisma.licence.count({ where: { licenceNumber: { startsWith: 'BN-' }, stage: 'window_open' } })).toBe(3));

  const workflowId = await publishBatchNoticeNow(deps(), { code: 'weihai', timeZone: 'Asia/Shanghai' }, new Date(await h.now()));
  expect(workflowId).toBe('batch-notice/weihai/2027-03-01');
  const first = await h.env.client.workflow.getHandle<typeof batchNoticeWorkflow>(workflowId).result();
  expect(first.entries).toBe(2);
  const notice = await prisma.batchNotice.findUniqueOrThrow({ where: { id: first.noticeId } });
  expect(notice).toMatchObject({ idempotencyKey: 'batch-notice/weihai/2027-03-01', title: '威海市行政审批服务局证照到期温馨提示（2027-03-01）', attempts: 3, lastError: null });
  expect(notice.entries).toEqual([
    { licence: '护士执业证书', holder: '李*', expiresOn: '2027-05-20', deadline: '有效期届满30日前' },
    { licence: '药品经营许可证', holder: '威海康宁大药房有限公司', expiresOn: '2027-05-31', deadline: '有效期届满前' },
  ]);
  expect(h.simulators.batchNotices).toHaveLength(1);
  expect(h.simulators.batchNotices[0]).toMatchObject({ receiptId: notice.receipt, body: { bureau: 'weihai', issuedOn: '2027-03-01', entries: notice.entries } });
  expect(JSON.stringify(h.simulators.batchNotices[0]!.body)).not.toMatch(/李娜|13800138201/);

  // Again the same day (the schedule and a supervisor both ran it): the same notice, not posted again.
  const issuedAt = notice.compiledAt.getTime() + 3_600_000;
  expect(await compileBatchNotice(prisma, { bureauCode: 'weihai', issuedAt })).toEqual(first);
  expect(await publishBatchNotice(prisma, h.dependencies().endpoints, { noticeId: first.noticeId })).toEqual({ receipt: notice.receipt });
  expect(h.simulators.batchNotices).toHaveLength(1);
  expect(await prisma.batchNotice.count({ where: { bureauCode: 'weihai' } })).toBe(1);
});

it("keeps one schedule per bureau on its cron and time zone, and the schedule's run publishes the notice", async () => {
  await h.beginTest({ server: 'dev' });
  expect(await ensureBatchNoticeSchedules(deps())).toEqual(['luliang', 'weihai']);
  expect(await ensureBatchNoticeSchedules(deps())).toEqual([]);
  const schedule = h.env.client.schedule.getHandle(batchNoticeScheduleId('weihai'));
  const described = await schedule.describe();
  expect(described.spec.timezone).toBe('Asia/Shanghai');
  expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 9, end: 9, step: 1 }], dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }] })]);
  const nextRun = described.info.nextActionTimes[0]!;
  expect(nextRun.toLocaleString('en-GB', { timeZone: 'Asia/Shanghai', weekday: 'long', hour: '2-digit', minute: '2-digit' })).toBe('Monday 09:00');

  await h.database.prisma.bureau.update({ where: { code: 'weihai' }, data: { batchNoticeCron: '30 8 * * 3' } });
  expect(await ensureBatchNoticeSchedules(deps())).toEqual(['weihai']);
  expect((await schedule.describe()).spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 8, end: 8, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] })]);

  const before = h.simulators.batchNotices.length;
  await schedule.trigger();
  await eventually(async () => expect(h.simulators.batchNotices).toHaveLength(before + 1), 30_000);
  const published = h.simulators.batchNotices.at(-1)!;
  expect(published.idempotencyKey).toMatch(/^batch-notice%2Fweihai%2F\d{4}-\d{2}-\d{2}$/);
});

it("keeps one inspection schedule per bureau, monthly by default; the schedule's run is kept once a day", async () => {
  await h.beginTest({ server: 'dev' });
  expect(await ensureInspectionSchedules(deps())).toEqual(['luliang', 'weihai']);
  expect(await ensureInspectionSchedules(deps())).toEqual([]);
  const schedule = h.env.client.schedule.getHandle(inspectionScheduleId('weihai'));
  const described = await schedule.describe();
  expect(described.spec.timezone).toBe('Asia/Shanghai');
  expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 9, end: 9, step: 1 }], dayOfMonth: [{ start: 1, end: 1, step: 1 }] })]);
  const nextRun = described.info.nextActionTimes[0]!;
  expect(nextRun.toLocaleString('en-GB', { timeZone: 'Asia/Shanghai', day: 'numeric', hour: '2-digit', minute: '2-digit' })).toBe('1, 09:00');

  const prisma = h.database.prisma;
  await schedule.trigger();
  await eventually(async () => expect(await prisma.inspectionRun.count({ where: { bureauCode: 'weihai', trigger: 'schedule' } })).toBe(1), 30_000);
  const run = await prisma.inspectionRun.findFirstOrThrow({ where: { bureauCode: 'weihai', trigger: 'schedule' }, include: { sections: { orderBy: { position: 'asc' } } } });
  expect(run.idempotencyKey).toMatch(/^inspection\/weihai\/\d{4}-\d{2}-\d{2}$/);
  expect(run.sections.map((section) => section.departmentName)).toContain('市场准入二科');
  // Fired again the same day (at noon of that day in Shanghai, whenever the test runs): the day's run is the one already kept.
  const noonThatDay = DateTime.fromJSDate(run.ranAt, { zone: 'Asia/Shanghai' }).startOf('day').plus({ hours: 12 }).toMillis();
  expect(await recordScheduledInspection(prisma, { bureauCode: 'weihai', firedAt: noonThatDay })).toEqual({ runId: run.id });
  expect(await prisma.inspectionRun.count({ where: { bureauCode: 'weihai', trigger: 'schedule' } })).toBe(1);
});
