import { DateTime } from 'luxon';
import { addWorkingDays, type DayCount } from '../../domain';
import type { LicenceLife } from './state';
import { WORKING_CALENDAR_PATCH } from './versions';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The end of the `days`-th working day after an instant: a human task's due time. */
export async function deadlineAfter(life: LicenceLife, from: number, days: number): Promise<string> {
  if (life.patched(WORKING_CALENDAR_PATCH)) {
    return life.engine.workingDaysDeadline({ licenceId: life.licenceId, from: iso(from), days });
  }
  return iso(addWorkingDays(DateTime.fromMillis(from), days, life.input.timeZone).toMillis());
}

/** The instant a ladder wait of `days` from `from` ends, counted as the step says. */
export async function waitEnds(life: LicenceLife, from: number, days: number, countIn: DayCount | undefined): Promise<number> {
  if (countIn === 'working_days' && life.patched(WORKING_CALENDAR_PATCH)) {
    return Date.parse(await life.engine.workingDaysLater({ licenceId: life.licenceId, from: iso(from), days }));
  }
  return from + days * DAY;
}

/** Days in milliseconds, for the grace period. */
export const days = (count: number) => count * DAY;
