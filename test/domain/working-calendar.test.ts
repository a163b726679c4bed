import { DateTime } from 'luxon';
import { WorkingCalendar, sendWindowProblems } from '../../domain';
import { mergeCalendar, STATUTORY_YEARS } from '../../services/working-calendar';

const SHANGHAI = 'Asia/Shanghai';
const statutory = new WorkingCalendar(mergeCalendar([]), SHANGHAI);
const at = (local: string) => DateTime.fromISO(local, { zone: SHANGHAI });
const local = (instant: DateTime) => instant.setZone(SHANGHAI).toFormat("yyyy-MM-dd'T'HH:mm");

describe('the statutory calendar from the chinese-days package', () => {
  it('knows 2026 and not yet 2027', () => {
    expect(STATUTORY_YEARS.has(2026)).toBe(true);
    expect(STATUTORY_YEARS.has(2027)).toBe(false);
  });

  it.each([
    ['2026-10-01', false], // 国庆节, Thursday
    ['2026-10-07', false], // 国庆节, Wednesday
    ['2026-10-08', true], // the first working day after the holiday, Thursday
    ['2026-10-10', true], // 调休: a Saturday worked for the National Day holiday
    ['2026-09-20', true], // 调休: a Sunday worked for the National Day holiday
    ['2026-10-11', false], // an ordinary Sunday
    ['2026-09-25', false], // 中秋节, Friday
    ['2026-11-25', true], // an ordinary Wednesday
  ])('%s is a working day: %s', (date, working) => {
    expect(statutory.isWorkingDay(date)).toBe(working);
  });
});

describe('nextSendInstant (09:00–18:00 on working days)', () => {
  it.each([
    ['during the National Day holiday', '2026-10-03T00:00', '2026-10-08T09:00'],
    ['on the holiday eve, after hours', '2026-09-30T19:30', '2026-10-08T09:00'],
    ['on a 调休 Saturday before the window', '2026-10-10T06:00', '2026-10-10T09:00'],
    ['on an ordinary Saturday', '2026-10-17T10:00', '2026-10-19T09:00'],
    ['inside the window', '2026-11-25T14:20', '2026-11-25T14:20'],
    ['at closing time', '2026-11-25T18:00', '2026-11-26T09:00'],
  ])('%s: %s goes out at %s', (_case, due, sent) => {
    expect(local(statutory.nextSendInstant(at(due)))).toBe(sent);
  });

  it('keeps to a bureau window other than the default', () => {
    expect(local(statutory.nextSendInstant(at('2026-11-25T08:45'), { opens: '08:30', closes: '17:30' }))).toBe('2026-11-25T08:45');
    expect(local(statutory.nextSendInstant(at('2026-11-25T17:45'), { opens: '08:30', closes: '17:30' }))).toBe('2026-11-26T08:30');
  });

  it('refuses a window that is not HH:mm or closes before it opens', () => {
    expect(sendWindowProblems({ opens: '9:00', closes: '18:00' })).toEqual(['opens "9:00" must be a time written HH:mm, e.g. 09:00']);
    expect(sendWindowProblems({ opens: '18:00', closes: '09:00' })).toEqual(['opens 18:00 must be before closes 09:00']);
    expect(() => statutory.nextSendInstant(at('2026-11-25T10:00'), { opens: '18:00', closes: '09:00' })).toThrow(/opens 18:00 must be before/);
  });
});

describe('counting working days', () => {
  it('a three-working-day deadline skips the National Day holiday', () => {
    // From Wednesday 30 September: 8, 9 and 10 (the 调休 Saturday) October.
    expect(statutory.addWorkingDays(at('2026-09-30T10:00'), 3).toISO()).toBe('2026-10-10T23:59:59.999+08:00');
  });

  it('a wait of two working days keeps the clock time', () => {
    expect(local(statutory.workingDaysAfter(at('2026-09-30T09:00'), 2))).toBe('2026-10-09T09:00');
  });
});

describe("a bureau's overrides", () => {
  it('cover a year the package does not: 2027 National Day and its 调休', () => {
    const weihai = new WorkingCalendar(
      mergeCalendar([
        { date: '2027-10-01', kind: 'day_off' },
        { date: '2027-10-04', kind: 'day_off' },
        { date: '2027-09-26', kind: 'working_day' },
      ]),
      SHANGHAI,
    );
    expect(weihai.isWorkingDay('2027-10-01')).toBe(false);
    expect(weihai.isWorkingDay('2027-10-04')).toBe(false);
    expect(weihai.isWorkingDay('2027-09-26')).toBe(true);
    expect(statutory.isWorkingDay('2027-10-04')).toBe(true);
  });

  it('win over the package for their day', () => {
    const local = new WorkingCalendar(mergeCalendar([{ date: '2026-10-10', kind: 'day_off' }, { date: '2026-10-07', kind: 'working_day' }]), SHANGHAI);
    expect(local.isWorkingDay('2026-10-10')).toBe(false);
    expect(local.isWorkingDay('2026-10-07')).toBe(true);
  });
});
