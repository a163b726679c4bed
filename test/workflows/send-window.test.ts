import { loadNationalSchedule } from '../../services/national-schedule';
import type { LadderStep } from '../../domain';
import { eventually, LifecycleHarness } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The 2026 statutory calendar (chinese-days): National Day off 1–7 October, worked on Sunday
// 20 September and Saturday 10 October (调休). The test server's clock starts in September 2026.
// This department texts as soon as a licence's window opens, then calls.
const SMS_FIRST: LadderStep[] = [
  { channel: 'sms', waitDays: 0 },
  { channel: 'phone_call', maxAttempts: 1, retryAfterDays: 1, dueWorkingDays: 3 },
];

let h: LifecycleHarness;

beforeAll(async () => {
  h = await LifecycleHarness.start();
  await h.database.prisma.department.update({ where: { id: 'weihai:市场准入二科' }, data: { ladder: SMS_FIRST as unknown as object[] } });
});
afterEach(async () => h.endTest());
afterAll(async () => {
  await h?.teardown();
});

it('an SMS due during the 2026 National Day holiday goes out at 09:00 on the first working day after it', async () => {
  await h.beginTest({ startAt: '2026-09-28T00:00:00Z' });
  // Expires 2027-01-03: the window opens Saturday 3 October 2026, 00:00 Shanghai, mid-holiday.
  const licence = await h.register('国庆-1', '2027-01-03');
  await h.skipTo('2026-10-02T16:01:00.000Z');
  expect(await h.status(licence)).toMatchObject({ stage: 'window_open', nextAction: { kind: 'sms', dueAt: '2026-10-08T01:00:00.000Z' } });

  // Still nothing on the last holiday evening and one minute before the window opens on Thursday 8 October.
  await h.skipTo('2026-10-08T00:59:00.000Z');
  expect(h.textsFor('国庆-1')).toEqual([]);
  expect(await h.ledger(licence.id)).toEqual([]);

  await h.skipTo('2026-10-08T01:00:30.000Z');
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['sms:sent']));
  expect(h.textsFor('国庆-1')).toHaveLength(1);
  const sent = await h.database.prisma.ledgerEntry.findFirstOrThrow({ where: { licenceId: licence.id, channel: 'sms' } });
  // Sent when the window opened, give or take the activities that run at that instant.
  expect(sent.remindedAt.getTime() - Date.parse('2026-10-08T01:00:00.000Z')).toBeGreaterThanOrEqual(0);
  expect(sent.remindedAt.getTime() - Date.parse('2026-10-08T01:00:00.000Z')).toBeLessThan(60_000);

  // The call task opens at once (no wait) and is due in three working days: Friday 9, the 调休
  // Saturday 10 and Monday 12 October; counting weekends only would have given Tuesday 13.
  const task = await h.openTask(licence.id, 'phone_call');
  expect(task.dueAt.toISOString()).toBe('2026-10-12T15:59:59.999Z');
});

it('an SMS due on a make-up working day (调休 Saturday 10 October 2026) goes out that morning, not on Monday', async () => {
  await h.beginTest({ startAt: '2026-10-05T00:00:00Z' });
  // Expires 2027-01-10: the window opens Saturday 10 October 2026, 00:00 Shanghai.
  const licence = await h.register('调休-1', '2027-01-10');
  await h.skipTo('2026-10-09T16:01:00.000Z');
  expect(await h.status(licence)).toMatchObject({ nextAction: { kind: 'sms', dueAt: '2026-10-10T01:00:00.000Z' } });
  await h.skipTo('2026-10-10T01:00:30.000Z');
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['sms:sent']));
  expect(h.textsFor('调休-1')).toHaveLength(1);
  // Three working days from the 调休 Saturday: Monday 12, Tuesday 13, Wednesday 14 October.
  expect((await h.openTask(licence.id, 'phone_call')).dueAt.toISOString()).toBe('2026-10-14T15:59:59.999Z');
});

it("an ordinary Saturday waits for Monday, and a bureau's override adds a holiday the package does not know", async () => {
  await h.beginTest({ startAt: '2026-10-12T00:00:00Z' });
  // The bureau closes on Monday 19 October (a local arrangement): the SMS due on Saturday 17 waits until Tuesday 20.
  await h.database.prisma.calendarOverride.create({ data: { bureauCode: 'weihai', date: '2026-10-19', kind: 'day_off', name: '本地休息日' } });
  try {
    const licence = await h.register('周末-1', '2027-01-17');
    await h.skipTo('2026-10-19T02:00:00.000Z');
    expect(await h.ledger(licence.id)).toEqual([]);
    expect((await h.status(licence)).nextAction).toEqual({ kind: 'sms', dueAt: '2026-10-20T01:00:00.000Z' });
    await h.skipTo('2026-10-20T01:00:30.000Z');
    await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['sms:sent']));
  } finally {
    await h.database.prisma.calendarOverride.deleteMany({ where: { bureauCode: 'weihai' } });
  }
});

it('a day off the bureau adds while a licence sleeps towards its SMS holds the text until the next working day', async () => {
  await h.beginTest({ startAt: '2026-10-12T00:00:00Z' });
  try {
    // The window opens Saturday 17 October: the SMS's send instant, found before sleeping, is Monday 19 at 09:00.
    const licence = await h.register('后加休-1', '2027-01-17');
    await h.skipTo('2026-10-17T02:00:00.000Z');
    expect((await h.status(licence)).nextAction).toEqual({ kind: 'sms', dueAt: '2026-10-19T01:00:00.000Z' });
    // While it sleeps, the bureau closes that Monday: the text checks the calendar as it goes.
    await h.database.prisma.calendarOverride.create({ data: { bureauCode: 'weihai', date: '2026-10-19', kind: 'day_off', name: '本地休息日' } });
    await h.skipTo('2026-10-19T02:00:00.000Z');
    expect(h.textsFor('后加休-1')).toEqual([]);
    await eventually(async () => expect((await h.status(licence)).nextAction).toEqual({ kind: 'sms', dueAt: '2026-10-20T01:00:00.000Z' }));
    await h.skipTo('2026-10-20T01:00:30.000Z');
    await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['sms:sent']));
    expect(h.textsFor('后加休-1')).toHaveLength(1);
  } finally {
    await h.database.prisma.calendarOverride.deleteMany({ where: { bureauCode: 'weihai' } });
  }
});

it("a call that falls due on a holiday after a delivered SMS waits for the first working day, as the text's own answer tells", async () => {
  await h.beginTest({ startAt: '2026-09-24T00:00:00Z' });
  const textThenCallInThreeDays: LadderStep[] = [{ channel: 'sms', waitDays: 3 }, SMS_FIRST[1]!];
  await h.database.prisma.department.update({ where: { id: 'weihai:市场准入二科' }, data: { ladder: textThenCallInThreeDays as unknown as object[] } });
  try {
    // The window opens Monday 28 September: the text goes at 09:00, the call falls due three days
    // later on Thursday 1 October, National Day, and may reach the holder on Thursday 8 October.
    const licence = await h.register('节前短信-1', '2026-12-28');
    await h.skipTo('2026-09-28T01:00:30.000Z');
    await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['sms:sent']));
    await eventually(async () => expect((await h.status(licence)).nextAction).toEqual({ kind: 'phone_call', dueAt: '2026-10-08T01:00:00.000Z' }));
    await h.skipTo('2026-10-07T12:00:00.000Z');
    expect(await h.database.prisma.humanTask.count({ where: { licenceId: licence.id } })).toBe(0);
    await h.skipTo('2026-10-08T01:00:30.000Z');
    await eventually(async () => expect(await h.database.prisma.humanTask.count({ where: { licenceId: licence.id, kind: 'phone_call' } })).toBe(1));
  } finally {
    await h.database.prisma.department.update({ where: { id: 'weihai:市场准入二科' }, data: { ladder: SMS_FIRST as unknown as object[] } });
  }
});

it("an SMS due on a holiday of a national schedule an administrator loaded (春节 2027, past the data package) goes out on the next working day", async () => {
  await h.beginTest({ startAt: '2027-02-01T00:00:00Z' });
  // As a notice might give it: off from Friday 5 to Saturday 13 February, Sunday 14 worked (调休).
  const days = ['05', '06', '07', '08', '09', '10', '11', '12', '13'].map((day) => `2027-02-${day},休,春节`);
  await loadNationalSchedule(h.database.prisma, 2027, { source: 'test notice', csv: ['date,kind,name', ...days, '2027-02-14,班,春节调休'].join('\n') }, 'test');
  try {
    // Expires 2027-05-08: the window opens Monday 8 February 2027, 00:00 Shanghai, mid-holiday.
    const licence = await h.register('春节-1', '2027-05-08');
    await h.skipTo('2027-02-07T16:01:00.000Z');
    expect(await h.status(licence)).toMatchObject({ stage: 'window_open', nextAction: { kind: 'sms', dueAt: '2027-02-14T01:00:00.000Z' } });
    await h.skipTo('2027-02-14T00:59:00.000Z');
    expect(h.textsFor('春节-1')).toEqual([]);
    await h.skipTo('2027-02-14T01:00:30.000Z');
    await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['sms:sent']));
    expect(h.textsFor('春节-1')).toHaveLength(1);
  } finally {
    await h.database.prisma.nationalScheduleYear.deleteMany({ where: { year: 2027 } });
  }
});
