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
  expect(after.body).toMatchObject({ statutory: false, covered: true });
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
