import { DateTime } from 'luxon';
import type { CalendarDate } from './calendar-date';

/**
 * What a bureau's calendar says about days that are not ordinary weekdays or weekends: statutory
 * holidays (法定节假日, days off even on a weekday) and make-up working days (调休上班, working
 * days even on a weekend). Built from the statutory data package and the bureau's own overrides.
 */
export interface WorkingCalendarData {
  /** Days off that fall on weekdays or weekends, `YYYY-MM-DD`. */
  daysOff: readonly CalendarDate[];
  /** Weekend days that are working days (调休), `YYYY-MM-DD`. */
  makeUpWorkingDays: readonly CalendarDate[];
}

/** The hours of a day in which SMS and phone tasks may go out, local to the bureau, `HH:mm`. */
export interface SendWindow {
  opens: string;
  closes: string;
}

export const DEFAULT_SEND_WINDOW: SendWindow = { opens: '09:00', closes: '18:00' };

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
// A window may run to the end of the day.
const CLOSING_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Checks a send window. @returns a list of problems, empty when valid. */
export function sendWindowProblems(window: SendWindow): string[] {
  const problems: string[] = [];
  if (!CLOCK_TIME.test(window.opens)) problems.push(`opens "${window.opens}" must be a time written HH:mm, e.g. 09:00`);
  if (!CLOSING_TIME.test(window.closes)) problems.push(`closes "${window.closes}" must be a time written HH:mm (up to 24:00), e.g. 18:00`);
  if (problems.length === 0 && window.opens >= window.closes) problems.push(`opens ${window.opens} must be before closes ${window.closes}`);
  return problems;
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/**
 * The Chinese working-day calendar of one bureau: Monday to Friday, less statutory holidays, plus
 * make-up working days. Pure and deterministic; the data it is built from is read by activities.
 */
export class WorkingCalendar {
  private readonly daysOff: ReadonlySet<CalendarDate>;
  private readonly makeUpWorkingDays: ReadonlySet<CalendarDate>;

  constructor(
    data: WorkingCalendarData,
    readonly zone: string,
  ) {
    this.daysOff = new Set(data.daysOff);
    this.makeUpWorkingDays = new Set(data.makeUpWorkingDays);
  }

  /** Whether a local day is a working day: a make-up day works, a holiday does not, else Monday–Friday. */
  isWorkingDay(date: CalendarDate): boolean {
    if (this.makeUpWorkingDays.has(date)) return true;
    if (this.daysOff.has(date)) return false;
    return DateTime.fromISO(date, { zone: this.zone }).weekday <= 5;
  }

  /**
   * The deadline `days` working days after an instant: the end of the `days`-th working day after
   * the instant's local day. With `days` = 0, the end of the instant's own day.
   */
  addWorkingDays(from: DateTime, days: number): DateTime {
    let day = from.setZone(this.zone).startOf('day');
    let remaining = days;
    while (remaining > 0) {
      day = day.plus({ days: 1 });
      if (this.isWorkingDay(day.toISODate()!)) remaining -= 1;
    }
    return day.endOf('day');
  }

  /**
   * The same local clock time `days` working days after an instant: a wait counted in working
   * days. From a day off, the first working day counts as the first day.
   */
  workingDaysAfter(from: DateTime, days: number): DateTime {
    let instant = from.setZone(this.zone);
    let remaining = days;
    while (remaining > 0) {
      instant = instant.plus({ days: 1 });
      if (this.isWorkingDay(instant.toISODate()!)) remaining -= 1;
    }
    return instant;
  }

  /**
   * The first instant at or after `from` inside the send window of a working day: `from` itself
   * when it is inside one, else the next opening (something due at night waits for the morning,
   * something due on a holiday for the first working day after it).
   */
  nextSendInstant(from: DateTime, window: SendWindow = DEFAULT_SEND_WINDOW): DateTime {
    const problems = sendWindowProblems(window);
    if (problems.length > 0) throw new Error(`Invalid send window: ${problems.join('; ')}`);
    const local = from.setZone(this.zone);
    const opens = minutesOf(window.opens);
    const closes = minutesOf(window.closes);
    const minuteOfDay = local.hour * 60 + local.minute + (local.second + local.millisecond / 1000) / 60;
    let day = local.startOf('day');
    if (this.isWorkingDay(day.toISODate()!)) {
      if (minuteOfDay >= opens && minuteOfDay < closes) return local;
      if (minuteOfDay < opens) return day.plus({ minutes: opens });
    }
    // A year has at most a few weeks of consecutive days off; a year without one is a data error.
    for (let step = 0; step < 366; step++) {
      day = day.plus({ days: 1 });
      if (this.isWorkingDay(day.toISODate()!)) return day.plus({ minutes: opens });
    }
    throw new Error(`No working day within a year after ${local.toISODate()}: check the bureau's calendar overrides`);
  }
}
