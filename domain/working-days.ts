import { DateTime } from 'luxon';

/**
 * Adds working days to an instant on the bureau's calendar: the deadline is the end of the
 * `days`-th working day after the instant's local day. Saturdays and Sundays are days off.
 *
 * Statutory holidays and make-up working days (调休) are not counted yet.
 */
export function addWorkingDays(from: DateTime, days: number, zone: string): DateTime {
  let day = from.setZone(zone).startOf('day');
  let remaining = days;
  while (remaining > 0) {
    day = day.plus({ days: 1 });
    if (day.weekday <= 5) remaining -= 1;
  }
  return day.endOf('day');
}
