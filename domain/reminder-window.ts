import type { DateTime } from 'luxon';
import { startOfLocalDay, type CalendarDate } from './calendar-date';

/** Both seed notices start reminding 3 months before expiry (到期前3个月). */
export const DEFAULT_REMINDER_LEAD_MONTHS = 3;

/**
 * When a licence's reminder window opens: the start of the local day `leadMonths` calendar
 * months before its expiry date. Months are counted on the bureau's calendar, and a day that
 * the earlier month lacks falls back to that month's last day (31 May → 28 or 29 February).
 *
 * @param expiresOn the licence's last valid day (期满日期), `YYYY-MM-DD`.
 * @param leadMonths how many calendar months before expiry reminders begin (1–24).
 * @param zone the bureau's IANA time zone.
 */
export function reminderWindowOpensAt(expiresOn: CalendarDate, leadMonths: number, zone: string): DateTime {
  if (!Number.isInteger(leadMonths) || leadMonths < 1 || leadMonths > 24) {
    throw new Error(`leadMonths must be a whole number of months from 1 to 24, got ${leadMonths}`);
  }
  return startOfLocalDay(expiresOn, zone).minus({ months: leadMonths });
}

/**
 * The instant a licence stops being valid: the start of the local day after its expiry date,
 * since the expiry date itself is still a valid day.
 */
export function licenceLapsesAt(expiresOn: CalendarDate, zone: string): DateTime {
  return startOfLocalDay(expiresOn, zone).plus({ days: 1 });
}
