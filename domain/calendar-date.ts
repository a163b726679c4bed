import { DateTime } from 'luxon';

/** A day on the bureau's local calendar, written `YYYY-MM-DD` (issue and expiry dates). */
export type CalendarDate = string;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether `text` is a real `YYYY-MM-DD` day: `2027-02-30` and `2027-13-01` are not.
 */
export function isCalendarDate(text: string): boolean {
  const parts = CALENDAR_DATE.exec(text);
  if (!parts) return false;
  const [year, month, day] = parts.slice(1).map(Number) as [number, number, number];
  // A day that does not exist rolls over into the next month (Feb 30 → Mar 2), so it does not
  // come back as written. Every request checks its dates several times, and this takes about
  // 0.6 µs where luxon's parse takes 5.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The first instant of a local day, in a time zone.
 *
 * @throws Error when `date` is not a real `YYYY-MM-DD` day or `zone` is not an IANA zone.
 */
export function startOfLocalDay(date: CalendarDate, zone: string): DateTime {
  if (!isCalendarDate(date)) throw new Error(`"${date}" is not a calendar date; write YYYY-MM-DD`);
  const day = DateTime.fromISO(date, { zone });
  if (!day.isValid) throw new Error(`"${zone}" is not a time zone; use an IANA name such as Asia/Shanghai`);
  return day.startOf('day');
}

/** The local calendar day of an instant, as `YYYY-MM-DD`. */
export function localDateOf(instant: Date | string, zone: string): CalendarDate {
  const dateTime = typeof instant === 'string' ? DateTime.fromISO(instant) : DateTime.fromJSDate(instant);
  return dateTime.setZone(zone).toISODate() ?? '';
}
