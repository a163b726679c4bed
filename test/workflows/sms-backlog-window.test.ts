import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { createLicenceActivities } from '../../activities';
import { DEFAULT_LADDER } from '../../domain';
import { LICENCE_WORKER_INTERCEPTORS, createSmsWorker } from '../../worker/worker';
import { bundleLicenceWorkflows } from '../../worker/workflow-bundle';
import { correctExpiryUpdate, licenceStatusQuery } from '../../workflows/licence-definitions';
import { FOLDED_STEPS_PATCH, LOCAL_CALLS_PATCH } from '../../workflows/licence/versions';
import { workerBefore } from '../support/earlier-workflows';
import { dataConverter, eventually, LifecycleHarness } from '../support/lifecycle';
import { Prisma } from '../../generated/prisma/client';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The send window holds when a text goes, not when its step asked for it: in a storm, texts wait
// on the SMS queue behind the account's QPS, and a backlog can outlast the window. On the dev
// server, whose clock is the wall clock: a time-skipping server does not move its clock while an
// activity waits in a queue.

let h: LifecycleHarness;

/**
 * Puts weihai's local time near midday, with today and tomorrow working days, and closes its send
 * window a minute and more away, at a whole minute: a text asked now and started after the close
 * starts more than a minute after it was asked, and its worker asks the server when it started
 * (activities/clock.ts).
 */
async function windowClosingSoon(): Promise<{ closesAt: DateTime; tomorrow: DateTime }> {
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
  return { closesAt, tomorrow };
}

async function restoreBureau(bureau: { timeZone: string; sendWindowOpens: string; sendWindowCloses: string }): Promise<void> {
  await h.database.prisma.calendarOverride.deleteMany({ where: { bureauCode: 'weihai' } });
  await h.database.prisma.bureau.update({ where: { code: 'weihai' }, data: { timeZone: bureau.timeZone, sendWindowOpens: bureau.sendWindowOpens, sendWindowCloses: bureau.sendWindowCloses } });
}

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
    const { closesAt, tomorrow } = await windowClosingSoon();
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
    await restoreBureau(bureau);
  }
}, 240_000);

it('a text that today\'s code asks for a run started before texts checked the send window themselves also waits, behind a backlog, for the next opening', async () => {
  const bureau = await h.database.prisma.bureau.findUniqueOrThrow({ where: { code: 'weihai' } });
  const department = { id: 'weihai:市场准入二科' };
  const { ladder } = await h.database.prisma.department.findUniqueOrThrow({ where: department });
  // The text goes the moment the prompt has: the wall clock cannot wait a week.
  await h.database.prisma.department.update({ where: department, data: { ladder: DEFAULT_LADDER.map((step) => (step.channel === 'auto_prompt' ? { ...step, waitDays: 0 } : step)) as unknown as object[] } });
  const activities = createLicenceActivities(h.dependencies());
  const earlier = await workerBefore(FOLDED_STEPS_PATCH, { connection: h.env.nativeConnection, dataConverter, taskQueue: h.taskQueue, activities });
  // Bundled now, started once the earlier worker has stopped: a task queue takes one worker per process.
  const todaysCode = await bundleLicenceWorkflows();
  let today: Worker | undefined;
  const texting = await createSmsWorker({ connection: h.env.nativeConnection, dataConverter, taskQueue: h.taskQueue, activities, qps: 5 });
  const runs: Array<Promise<void>> = [];
  try {
    const { closesAt, tomorrow } = await windowClosingSoon();
    // Registered and put to sleep until its window by the earlier code, as a bureau's running licences were.
    const earlierRun = earlier.run();
    runs.push(earlierRun);
    const licence = await h.register('积压-2', DateTime.utc().plus({ days: 200 }).toISODate()!);
    await eventually(async () => expect((await licence.handle.query(licenceStatusQuery)).stage).toBe('awaiting_window'));
    earlier.shutdown();
    await earlierRun;
    const patches = ((await licence.handle.fetchHistory()).events ?? []).flatMap((event) => {
      const marker = event.markerRecordedEventAttributes;
      const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
      return data ? [JSON.parse(Buffer.from(data).toString('utf8')).id as string] : [];
    });
    // A run of the code before folded steps: local calls, and no folded steps.
    expect(patches).toEqual(expect.arrayContaining([LOCAL_CALLS_PATCH]));
    expect(patches).not.toContain(FOLDED_STEPS_PATCH);

    // Today's code wakes it: its expiry, corrected, puts it inside its window, and its ladder texts
    // while no worker polls the SMS queue.
    today = await Worker.create({ connection: h.env.nativeConnection, dataConverter, taskQueue: h.taskQueue, workflowBundle: todaysCode, interceptors: { activity: LICENCE_WORKER_INTERCEPTORS.activity }, activities });
    runs.push(today.run());
    await licence.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: DateTime.utc().plus({ days: 80 }).toISODate()! }] });
    const pendingText = async () => (await licence.handle.describe()).raw.pendingActivities?.find((activity) => activity.activityType?.name === 'sendReminderSms');
    const asked = (await eventually(async () => (await pendingText()) ?? Promise.reject(new Error('no text asked yet')), 30_000)).scheduledTime!;
    expect(Number(asked.seconds) * 1000).toBeLessThan(closesAt.toMillis());

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAt.toMillis() - Date.now()) + 1_000));
    runs.push(texting.run());
    await eventually(async () => expect(await pendingText()).toBeUndefined(), 30_000);
    expect(h.textsFor('积压-2')).toEqual([]);
    await eventually(async () => expect((await licence.handle.query(licenceStatusQuery)).nextAction).toEqual({ kind: 'sms', dueAt: tomorrow.toUTC().toISO() }));
  } finally {
    for (const worker of [earlier, today, texting]) if (worker?.getState() === 'RUNNING') worker.shutdown();
    await Promise.all(runs);
    await h.database.prisma.department.update({ where: department, data: { ladder: ladder ?? Prisma.DbNull } });
    await restoreBureau(bureau);
  }
}, 240_000);
