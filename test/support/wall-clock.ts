import { DateTime } from 'luxon';

/**
 * The dates of a five-year licence for tests on the Temporal dev server, whose clock is the wall
 * clock and cannot be pinned: issued two years before this year's 30 June, so that its reminder
 * window is always more than two years ahead, whatever the day the suite runs. 30 June, because
 * three months before it is 30 March in every year, leap or not.
 */
export function fiveYearLicenceDates() {
  const today = DateTime.now().setZone('Asia/Shanghai');
  const year = today.year;
  const last = year + 3;
  return {
    today: today.toISODate()!,
    issuedOn: `${year - 2}-06-30`,
    expiresOn: `${last}-06-30`,
    /** The expiry of a licence valid ten years from the same issue date: one the 5年 rule cannot produce. */
    tenYearsOn: `${year + 8}-06-30`,
    /** The day before the expiry: within the 5年 rule's tolerance. */
    dayBeforeExpiry: `${last}-06-29`,
    windowOpensOn: `${last}-03-30`,
    /** Midnight of windowOpensOn in Asia/Shanghai. */
    windowOpensAt: `${last}-03-29T16:00:00.000Z`,
  };
}
