import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { createLicenceActivities } from '../../activities';
import { createSmsWorker } from '../../worker/worker';
import { dataConverter, eventually, LifecycleHarness } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The send window holds when a text goes, not when its step asked for it: in a storm, texts wait
// on the SMS queue behind the account's QPS, and a backlog can outlast the window. On the dev
// server, whose clock is the wall clock: a time-skipping server does not move its clock while an
// activity waits in a queue.

let h: LifecycleHarness;

beforeAll(async () => {
  h = await LifecycleHarness.start();
  await h.beginTest({ server: 'dev', worker: false });
});
afterAll(async () => {
  await h?.endTest();
  await h?.teardown();
});

it('a text asked inside the send window but started after it closed, behind a backlog on the SMS queue, waits for the next opening', async () => {
  const bureau = await h.database.prisma.bureau.findUniqueOrThrow({ where: { code: 'weihai' } });
  const asking = await Worker.create({ connection: h.env.nativeConnection, dataConverter, taskQueue: h.taskQueue, workflowsPath: require.resolve('../support/sms-burst-workflow') });
  const askingRun = asking.run();
  const texting = await createSmsWorker({ connection: h.env.nativeConnection, dataConverter, taskQueue: h.taskQueue, activities: createLicenceActivities(h.dependencies()), qps: 5 });
  let textingRun: Promise<void> | undefined;
  try {
    const licence = await h.register('积压-1', DateTime.utc().plus({ days: 80 }).toISODate()!);
    // Only this text is asked here; the licence's own run would ask its own.
    await licence.handle.terminate('the test asks for its text itself');
    // The bureau's zone puts its local time near midday, and today and tomorrow are working days.
    // Its window closes a minute and more away, at a whole minute: the text then starts more than a
    // minute after it was asked, and its worker asks the server when it started (activities/clock.ts).
    if (DateTime.utc().second >= 55) await new Promise((resolve) => setTimeout(resolve, 6_000));
    const offsetHours = 12 - DateTime.utc().hour;
    const zone = offsetHours === 0 ? 'Etc/GMT' : `Etc/GMT${offsetHours > 0 ? '-' : '+'}${Math.abs(offsetHours)}`;
    const local = DateTime.now().setZone(zone);
    const closesAt = local.startOf('minute').plus({ minutes: 2 });
    const tomorrow = local.plus({ days: 1 }).startOf('day');
    await h.database.prisma.bureau.update({ where: { code: 'weihai' }, data: { timeZone: zone, sendWindowOpens: '00:00', sendWindowCloses: closesAt.toFormat('HH:mm') } });
    for (const day of [local, tomorrow]) {
      await h.database.prisma.calendarOverride.create({ data: { bureauCode: 'weihai', date: day.toISODate()!, kind: 'working_day', name: '测试工作日' } });
    }
    const step = await h.env.client.workflow.start('smsStepWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: `backlog-${h.taskQueue}`,
      args: [{ licenceId: licence.id, idempotencyKey: 'backlog/积压-1', inSendWindowOnly: true }],
    });
    // Asked inside the window while no worker polls the SMS queue: a storm's backlog, as this text meets it.
    await eventually(async () => expect((await step.describe()).raw.pendingActivities).toHaveLength(1));
    const asked = (await step.describe()).raw.pendingActivities![0]!.scheduledTime!;
    expect(Number(asked.seconds) * 1000).toBeLessThan(closesAt.toMillis());
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAt.toMillis() - Date.now()) + 1_000));
    textingRun = texting.run();
    expect(await step.result()).toMatchObject({ outcome: 'outside_send_window', sendAt: tomorrow.toUTC().toISO() });
    expect(h.textsFor('积压-1')).toEqual([]);
  } finally {
    texting.shutdown();
    asking.shutdown();
    await Promise.all([askingRun, ...(textingRun ? [textingRun] : [])]);
    await h.database.prisma.calendarOverride.deleteMany({ where: { bureauCode: 'weihai' } });
    await h.database.prisma.bureau.update({ where: { code: 'weihai' }, data: { timeZone: bureau.timeZone, sendWindowOpens: bureau.sendWindowOpens, sendWindowCloses: bureau.sendWindowCloses } });
  }
}, 240_000);
