import { bureauCalendar } from '../../services/working-calendar';
import { apiSuite } from '../support/api-server';
import { ACCOUNTS, TEST_PASSWORD } from '../support/accounts';
import { logIn } from '../support/http';
import { eventually } from '../support/lifecycle';
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
  const supervisor = await suite.api.as('supervisor');
  expect((await supervisor.call('GET', '/dashboard')).body).toContain('2027 年的全国节假日安排尚未导入');

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
  expect((await supervisor.call('GET', '/dashboard')).body).not.toContain('尚未导入');
  const page = String((await supervisor.call('GET', '/calendar?year=2027')).body);
  expect(page).toContain('已导入（国办发明电〔2026〕7号）');
  expect(page).toMatch(/<td>2027-02-14<\/td><td>日<\/td><td>调休上班<\/td><td>春节调休<\/td><td>国家安排<\/td>/);
  expect(page).toMatch(/<td>2027-10-01<\/td><td>五<\/td><td>休息日<\/td><td>国庆节<\/td><td>本局调整<\/td>/);
  expect((await suite.api.call('GET', '/api/v1/national-schedule/2027')).body).toMatchObject({ year: 2027, source: '国办发明电〔2026〕7号', loadedBy: 'root-admin' });
  expect((await suite.api.call('GET', '/api/v1/national-schedule/2026')).body).toMatchObject({ year: 2026, source: 'data-package', days: expect.arrayContaining([{ date: '2026-10-01', kind: 'day_off', name: '国庆节' }]) });
});

it('loads a year from a holiday calendar exported as .ics, and refuses a timed event naming it', async () => {
  const admin = await suite.api.as('admin');
  const event = (start: string, end: string, summary: string) => ['BEGIN:VEVENT', `UID:${start}-${summary}@bureau`, `DTSTART;VALUE=DATE:${start}`, `DTEND;VALUE=DATE:${end}`, `SUMMARY:${summary}`, 'END:VEVENT'];
  const ics = (...events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//bureau//holidays//ZH', ...events.flat(), 'END:VCALENDAR', ''].join('\r\n');
  // 春节 2028: three days off in one event, and a make-up Saturday marked 班.
  const loaded = await admin.call('PUT', '/api/v1/national-schedule/2028', { source: '节假日.ics', ics: ics(event('20280126', '20280129', '春节（休）'), event('20280205', '20280206', '春节 班')) });
  expect(loaded).toMatchObject({ status: 200, body: { year: 2028, days: 4 } });
  const year = await suite.api.call('GET', '/api/v1/national-schedule/2028');
  expect(year.body.days).toEqual([
    { date: '2028-01-26', kind: 'day_off', name: '春节' },
    { date: '2028-01-27', kind: 'day_off', name: '春节' },
    { date: '2028-01-28', kind: 'day_off', name: '春节' },
    { date: '2028-02-05', kind: 'working_day', name: '春节' },
  ]);

  const timed = ics(['BEGIN:VEVENT', 'UID:t@bureau', 'DTSTART:20280501T090000Z', 'DTEND:20280501T100000Z', 'SUMMARY:劳动节', 'END:VEVENT']);
  const refused = await admin.call('PUT', '/api/v1/national-schedule/2028', { source: '节假日.ics', ics: timed });
  expect(refused.status).toBe(400);
  expect(refused.body.error.fields).toEqual([{ path: 'ics.events.0', message: expect.stringContaining('all-day') }]);
  const garbled = await admin.call('PUT', '/api/v1/national-schedule/2028', { source: '节假日.ics', ics: 'not a calendar' });
  expect(garbled.body.error.fields).toEqual([{ path: 'ics', message: expect.stringContaining('no iCalendar') }]);
  // Refused loads changed nothing.
  expect((await suite.api.call('GET', '/api/v1/national-schedule/2028')).body.days).toHaveLength(4);
});

it("lets an administrator load a year's schedule from the calendar page, and a supervisor set a day of the bureau's", async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const admin = await suite.api.as('admin');
  const content = encodeURIComponent('date,kind,name\n2029-01-01,休,元旦\n2029-02-11,班,春节调休');
  const loaded = await admin.call('POST', '/calendar/national', `year=2029&source=${encodeURIComponent('国办发明电〔2028〕1号')}&format=csv&content=${content}`, form);
  expect(loaded.status).toBe(303);
  expect(loaded.headers.get('location')).toMatch(/^\/calendar\?year=2029&notice=/);
  expect((await suite.api.call('GET', '/api/v1/national-schedule/2029')).body.days).toEqual([
    { date: '2029-01-01', kind: 'day_off', name: '元旦' },
    { date: '2029-02-11', kind: 'working_day', name: '春节调休' },
  ]);
  // A day outside the year is refused back to the page with the row named, and nothing changes.
  const outside = await admin.call('POST', '/calendar/national', `year=2029&source=x&format=csv&content=${encodeURIComponent('date,kind,name\n2030-01-01,休,元旦')}`, form);
  expect(outside.status).toBe(303);
  expect(decodeURIComponent(outside.headers.get('location')!)).toContain('days.0.date');
  expect((await suite.api.call('GET', '/api/v1/national-schedule/2029')).body.days).toHaveLength(2);

  // A file chosen on the page comes as multipart: an .ics file is read as one, whatever the select says.
  const { cookie, csrfToken } = await logIn(suite.api.url, ACCOUNTS.admin.username, TEST_PASSWORD);
  const upload = (fields: Record<string, string>, file?: { name: string; text: string }) => {
    const body = new FormData();
    for (const [name, value] of Object.entries({ _csrf: csrfToken, ...fields })) body.append(name, value);
    if (file) body.append('file', new Blob([file.text], { type: 'application/octet-stream' }), file.name);
    return fetch(`${suite.api.url}/calendar/national`, { method: 'POST', body, headers: { cookie }, redirect: 'manual' });
  };
  const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//bureau//holidays//ZH', 'BEGIN:VEVENT', 'UID:2030-new-year@bureau', 'DTSTART;VALUE=DATE:20300101', 'DTEND;VALUE=DATE:20300102', 'SUMMARY:元旦', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
  const fromFile = await upload({ year: '2030', source: '国办发明电〔2029〕1号', format: 'csv' }, { name: '2030年节假日.ics', text: ics });
  expect(fromFile.status).toBe(303);
  expect(fromFile.headers.get('location')).toMatch(/^\/calendar\?year=2030&notice=/);
  expect((await suite.api.call('GET', '/api/v1/national-schedule/2030')).body.days).toEqual([{ date: '2030-01-01', kind: 'day_off', name: '元旦' }]);
  const nothing = await upload({ year: '2031', source: 'x', format: 'csv' });
  expect(decodeURIComponent(nothing.headers.get('location')!)).toContain('file');
  const withoutToken = new FormData();
  withoutToken.append('year', '2031');
  expect((await fetch(`${suite.api.url}/calendar/national`, { method: 'POST', body: withoutToken, headers: { cookie }, redirect: 'manual' })).status).toBe(403);
  expect((await suite.api.call('GET', '/api/v1/national-schedule')).body.loadedYears.map((loaded: { year: number }) => loaded.year)).not.toContain(2031);

  const supervisor = await suite.api.as('supervisor');
  expect((await supervisor.call('POST', '/calendar/overrides', 'bureau=weihai&date=2029-03-05&kind=day_off&name=' + encodeURIComponent('地方节日'), form)).status).toBe(303);
  const weihai = await suite.api.call('GET', '/api/v1/bureaus/weihai/calendar?year=2029');
  expect(weihai.body.days).toContainEqual({ date: '2029-03-05', kind: 'day_off', name: '地方节日', source: 'bureau' });
  // A supervisor of one bureau sets no day of another's.
  expect((await supervisor.call('POST', '/calendar/overrides', 'bureau=luliang&date=2029-03-05&kind=day_off&name=x', form)).status).toBe(403);
});

it('tells on the licence page when a text will really go: at the opening of the send window, not at the instant it fell due', async () => {
  // The window opens on Monday 7 December 2026, 00:00 Shanghai; the SMS falls due a week later, at midnight.
  const supervisor = await suite.api.as('supervisor');
  expect((await supervisor.call('PUT', '/api/v1/bureaus/weihai/send-window', { opens: '09:00', closes: '18:00' })).status).toBe(200);
  const licence = await suite.h.register('鲁威药经2023901', '2027-03-07');
  await suite.h.skipTo('2026-12-07T02:00:00.000Z');
  // The workflow found the send instant before sleeping: its next action says when the text goes.
  await eventually(async () => expect(await suite.h.status(licence.handle)).toMatchObject({ nextAction: { kind: 'sms', dueAt: '2026-12-14T01:00:00.000Z' } }));
  const page = String((await supervisor.call('GET', `/licences/${licence.id}`)).body);
  expect(/<dd id="next-action">[^]*?<\/dd>/.exec(page)?.[0]).toContain('<time datetime="2026-12-14T01:00:00.000Z">2026/12/14 09:00</time>');
});
