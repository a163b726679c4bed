import { isCalendarDate, licenceLapsesAt, localDateOf, reminderWindowOpensAt } from '../../domain';

const SHANGHAI = 'Asia/Shanghai';

describe('reminderWindowOpensAt', () => {
  it.each([
    ['2027-05-31', '2027-02-28'], // February 2027 has 28 days: the 31st falls back to the month's end
    ['2028-05-31', '2028-02-29'], // leap year
    ['2027-08-15', '2027-05-15'],
    ['2027-03-31', '2026-12-31'], // across a year boundary
    ['2027-01-31', '2026-10-31'],
    ['2027-12-31', '2027-09-30'], // September has 30 days
  ])('a licence expiring %s opens its window on %s', (expiresOn, opensOn) => {
    const opensAt = reminderWindowOpensAt(expiresOn, 3, SHANGHAI);
    expect(opensAt.toISODate()).toBe(opensOn);
    expect(localDateOf(opensAt.toJSDate(), SHANGHAI)).toBe(opensOn);
  });

  it('opens at local midnight, which is 16:00 UTC the day before in Shanghai', () => {
    expect(reminderWindowOpensAt('2027-05-31', 3, SHANGHAI).toUTC().toISO()).toBe('2027-02-27T16:00:00.000Z');
  });

  it('counts months on the bureau calendar, not in UTC', () => {
    // 2027-03-01 00:00 in Shanghai is still 28 February in UTC; three months back is 1 December.
    expect(reminderWindowOpensAt('2027-03-01', 3, SHANGHAI).toUTC().toISO()).toBe('2026-11-30T16:00:00.000Z');
  });

  it('honours a lead time other than three months', () => {
    expect(reminderWindowOpensAt('2027-05-31', 6, SHANGHAI).toISODate()).toBe('2026-11-30');
    expect(reminderWindowOpensAt('2027-05-31', 1, SHANGHAI).toISODate()).toBe('2027-04-30');
  });

  it.each([0, -1, 2.5, 25])('rejects a lead time of %p months', (months) => {
    expect(() => reminderWindowOpensAt('2027-05-31', months, SHANGHAI)).toThrow(/whole number of months from 1 to 24/);
  });

  it('rejects an impossible date and an unknown zone with what to write instead', () => {
    expect(() => reminderWindowOpensAt('2027-02-30', 3, SHANGHAI)).toThrow(/YYYY-MM-DD/);
    expect(() => reminderWindowOpensAt('2027-05-31', 3, 'Mars/Olympus')).toThrow(/IANA/);
  });
});

describe('licenceLapsesAt', () => {
  it('is the start of the day after the expiry date, in the bureau zone', () => {
    expect(licenceLapsesAt('2027-05-31', SHANGHAI).toUTC().toISO()).toBe('2027-05-31T16:00:00.000Z');
    expect(licenceLapsesAt('2028-02-28', SHANGHAI).toISODate()).toBe('2028-02-29');
  });
});

describe('isCalendarDate', () => {
  it.each(['2027-05-31', '2028-02-29', '2000-02-29', '2027-12-31', '2027-01-01'])('accepts %s', (text) => {
    expect(isCalendarDate(text)).toBe(true);
  });

  it.each(['2027-02-29', '2027-02-30', '1900-02-29', '2027-04-31', '2027-01-00', '2027-12-32', '2027-13-01', '2027-00-10', '2027-5-31', '2027/05/31', '20270531', '', '2027-05-31T00:00:00Z'])(
    'rejects %p',
    (text) => {
      expect(isCalendarDate(text)).toBe(false);
    },
  );
});
