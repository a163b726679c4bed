import { bureauCalendar } from '../../services/working-calendar';
import { apiSuite } from '../support/api-server';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const suite = apiSuite();

it('shows a year of the statutory calendar: National Day 2026 and its 调休', async () => {
  const { status, body } = await suite.api.call('GET', '/api/v1/bureaus/weihai/calendar?year=2026');
  expect(status).toBe(200);
  expect(body).toMatchObject({ bureau: 'weihai', year: 2026, timeZone: 'Asia/Shanghai', statutory: true, covered: true, sendWindow: { opens: '09:00', closes: '18:00' } });
  const october = body.days.filter((day: { date: string }) => day.date >= '2026-09-20' && day.date <= '2026-10-10');
  expect(october.map((day: { date: string; kind: string }) => `${day.date}:${day.kind}`)).toEqual([
    '2026-09-20:working_day',
    '2026-09-25:day_off',
    '2026-09-26:day_off',
    '2026-09-27:day_off',
    ...['01', '02', '03', '04', '05', '06', '07'].map((day) => `2026-10-${day}:day_off`),
    '2026-10-10:working_day',
  ]);
  expect(october[0]).toEqual({ date: '2026-09-20', kind: 'working_day', name: '国庆节调休', source: 'statutory' });
});

it('takes a year the package does not cover from the bureau override table, and gives a day back to the package', async () => {
  const before = await suite.api.call('GET', '/api/v1/bureaus/weihai/calendar?year=2027');
  expect(before.body).toMatchObject({ statutory: false, covered: false, days: [] });

  const set = await (await suite.api.as('supervisor')).call('PUT', '/api/v1/bureaus/weihai/calendar/overrides/2027-10-01', { kind: 'day_off', name: '国庆节' });
  expect(set.status).toBe(200);
  await (await suite.api.as('supervisor')).call('PUT', '/api/v1/bureaus/weihai/calendar/overrides/2027-09-26', { kind: 'working_day', name: '国庆节调休' });
  const after = await suite.api.call('GET', '/api/v1/bureaus/weihai/calendar?year=2027');
  // Two days typed by hand say nothing of the rest of the year: it is still uncovered.
  expect(after.body).toMatchObject({ statutory: false, covered: false });
  expect(after.body.days).toEqual([
    { date: '2027-09-26', kind: 'working_day', name: '国庆节调休', source: 'bureau' },
    { date: '2027-10-01', kind: 'day_off', name: '国庆节', source: 'bureau' },
  ]);
  // Other bureaus keep their own calendar.
  expect((await (await suite.api.as('admin')).call('GET', '/api/v1/bureaus/luliang/calendar?year=2027')).body.days).toEqual([]);

  // An override of a statutory day replaces it; removing it gives the day back.
  await (await suite.api.as('supervisor')).call('PUT', '/api/v1/bureaus/weihai/calendar/overrides/2026-10-10', { kind: 'day_off', name: '本地安排' });
  const replaced = (await suite.api.call('GET', '/api/v1/bureaus/weihai/calendar?year=2026')).body.days.filter((day: { date: string }) => day.date === '2026-10-10');
  expect(replaced).toEqual([{ date: '2026-10-10', kind: 'day_off', name: '本地安排', source: 'bureau' }]);
  expect((await (await suite.api.as('supervisor')).call('DELETE', '/api/v1/bureaus/weihai/calendar/overrides/2026-10-10')).status).toBe(200);
  const restored = (await suite.api.call('GET', '/api/v1/bureaus/weihai/calendar?year=2026')).body.days.filter((day: { date: string }) => day.date === '2026-10-10');
  expect(restored).toEqual([{ date: '2026-10-10', kind: 'working_day', name: '国庆节调休', source: 'statutory' }]);
  expect((await (await suite.api.as('supervisor')).call('DELETE', '/api/v1/bureaus/weihai/calendar/overrides/2026-10-10')).status).toBe(404);
});

it('refuses bad overrides and send windows, naming the field, and changes nothing', async () => {
  const badDate = await (await suite.api.as('supervisor')).call('PUT', '/api/v1/bureaus/weihai/calendar/overrides/2027-02-30', { kind: 'day_off', name: '春节' });
  expect(badDate.status).toBe(400);
  expect(badDate.body.error.fields.map((field: { path: string }) => field.path)).toEqual(['params.date']);
  const badKind = await (await suite.api.as('supervisor')).call('PUT', '/api/v1/bureaus/weihai/calendar/overrides/2027-02-08', { kind: 'holiday', name: '春节' });
  expect(badKind.status).toBe(400);
  expect(badKind.body.error.fields.map((field: { path: string }) => field.path)).toEqual(['kind']);
  expect((await (await suite.api.as('admin')).call('PUT', '/api/v1/bureaus/nowhere/calendar/overrides/2027-02-08', { kind: 'day_off', name: '春节' })).status).toBe(404);
  expect(await suite.h.database.prisma.calendarOverride.count({ where: { date: '2027-02-08' } })).toBe(0);

  const backwards = await (await suite.api.as('supervisor')).call('PUT', '/api/v1/bureaus/weihai/send-window', { opens: '18:00', closes: '09:00' });
  expect(backwards.status).toBe(400);
  expect(backwards.body.error.fields).toEqual([{ path: 'opens', message: 'opens 18:00 must be before closes 09:00' }]);
  const malformed = await (await suite.api.as('supervisor')).call('PUT', '/api/v1/bureaus/weihai/send-window', { opens: '9点', closes: '18:00' });
  expect(malformed.body.error.fields.map((field: { path: string }) => field.path)).toEqual(['opens']);
  expect((await suite.api.call('GET', '/api/v1/bureaus/weihai/calendar?year=2026')).body.sendWindow).toEqual({ opens: '09:00', closes: '18:00' });

  const set = await (await suite.api.as('supervisor')).call('PUT', '/api/v1/bureaus/weihai/send-window', { opens: '08:30', closes: '17:30' });
  expect(set).toEqual({ status: 200, body: { opens: '08:30', closes: '17:30' } });
});

it("loads next year's national schedule once for every bureau, with each bureau's overrides on top, and stops reporting the year missing", async () => {
  const admin = await suite.api.as('admin');
  // The suite's clock stands in November 2026: the next twelve months reach into 2027, which the data package lacks.
  const before = await suite.api.call('GET', '/healthz');
  expect(before.status).toBe(200);
  expect(before.body).toMatchObject({ status: 'degraded', checks: { database: 'ok', temporal: 'ok', calendar: expect.stringContaining('2027') } });
  expect((await suite.api.call('GET', '/api/v1/national-schedule')).body).toMatchObject({ uncoveredAhead: [2027], loadedYears: [] });
  const gauge = async () => Number(/^calendar_years_uncovered (\d+)$/m.exec(String((await fetch(`${suite.api.url}/metrics`).then((response) => response.text()))))?.[1]);
  expect(await gauge()).toBe(1);

  // Only an administrator loads it; a supervisor keeps the bureau's own overrides.
  const csv = ['date,kind,name', '2027-02-06,day_off,春节', '2027-02-07,day_off,春节', '2027-02-08,day_off,春节', '2027-02-14,working_day,春节调休', '2027-10-01,day_off,国庆节'].join('\n');
  expect((await (await suite.api.as('supervisor')).call('PUT', '/api/v1/national-schedule/2027', { source: '国办发明电〔2026〕7号', csv })).status).toBe(403);
  const outside = await admin.call('PUT', '/api/v1/national-schedule/2027', { source: '国办发明电〔2026〕7号', csv: `${csv}\n2028-01-01,day_off,元旦` });
  expect(outside.status).toBe(400);
  expect(outside.body.error.fields).toEqual([{ path: 'days.5.date', message: 'must be in 2027, the year loaded' }]);
  expect(await admin.call('PUT', '/api/v1/national-schedule/2027', { source: '国办发明电〔2026〕7号', csv })).toMatchObject({ status: 200, body: { year: 2027, days: 5 } });

  const weihai = await suite.api.call('GET', '/api/v1/bureaus/weihai/calendar?year=2027');
  expect(weihai.body).toMatchObject({ covered: true, statutory: false, nationalSchedule: { source: '国办发明电〔2026〕7号' } });
  // weihai's own 2027-10-01 override (from the test above) stands over the national day.
  expect(weihai.body.days.map((day: { date: string; source: string }) => `${day.date}:${day.source}`)).toEqual([
    '2027-02-06:national',
    '2027-02-07:national',
    '2027-02-08:national',
    '2027-02-14:national',
    '2027-09-26:bureau',
    '2027-10-01:bureau',
  ]);
  const luliang = await admin.call('GET', '/api/v1/bureaus/luliang/calendar?year=2027');
  expect(luliang.body.days.map((day: { date: string; kind: string }) => `${day.date}:${day.kind}`)).toEqual(['2027-02-06:day_off', '2027-02-07:day_off', '2027-02-08:day_off', '2027-02-14:working_day', '2027-10-01:day_off']);

  // The working days the reminders count: 2027-02-08 (a Monday) is off, 2027-02-14 (a Sunday) is worked.
  const { calendar } = await bureauCalendar(suite.h.database.prisma, 'luliang');
  expect(calendar.isWorkingDay('2027-02-08')).toBe(false);
  expect(calendar.isWorkingDay('2027-02-14')).toBe(true);

  expect((await suite.api.call('GET', '/healthz')).body).toMatchObject({ status: 'ok', checks: { calendar: 'ok' } });
  expect(await gauge()).toBe(0);
  expect((await suite.api.call('GET', '/api/v1/national-schedule/2027')).body).toMatchObject({ year: 2027, source: '国办发明电〔2026〕7号', loadedBy: 'root-admin' });
  expect((await suite.api.call('GET', '/api/v1/national-schedule/2026')).body).toMatchObject({ year: 2026, source: 'data-package', days: expect.arrayContaining([{ date: '2026-10-01', kind: 'day_off', name: '国庆节' }]) });
});
