import statutory from 'chinese-days/dist/chinese-days.json';
import type { PrismaClient } from '../generated/prisma/client';
import { WorkingCalendar, type SendWindow, type WorkingCalendarData } from '../domain';

export const CALENDAR_OVERRIDE_KINDS = ['day_off', 'working_day'] as const;
export type CalendarOverrideKind = (typeof CALENDAR_OVERRIDE_KINDS)[number];

/**
 * The statutory holidays and make-up working days (调休) published by the State Council, as kept
 * by the `chinese-days` package. Its `holidays` map holds every day off of a holiday period,
 * weekends included; its `workdays` map the weekend days that are worked.
 */
const STATUTORY: WorkingCalendarData = {
  daysOff: Object.keys(statutory.holidays),
  makeUpWorkingDays: Object.keys(statutory.workdays),
};

/** The years the statutory package has data for; later years need the bureau's overrides. */
export const STATUTORY_YEARS: ReadonlySet<number> = new Set(STATUTORY.daysOff.map((date) => Number(date.slice(0, 4))));

/**
 * Merges the package's days with a bureau's overrides: an override decides its day, whatever
 * the package says about it.
 */
export function mergeCalendar(overrides: ReadonlyArray<{ date: string; kind: string }>): WorkingCalendarData {
  const overridden = new Set(overrides.map((override) => override.date));
  return {
    daysOff: [
      ...STATUTORY.daysOff.filter((date) => !overridden.has(date)),
      ...overrides.filter((override) => override.kind === 'day_off').map((override) => override.date),
    ],
    makeUpWorkingDays: [
      ...STATUTORY.makeUpWorkingDays.filter((date) => !overridden.has(date)),
      ...overrides.filter((override) => override.kind === 'working_day').map((override) => override.date),
    ],
  };
}

/** A bureau's working-day calendar and send window, read from the package and its override table. */
export async function bureauCalendar(prisma: PrismaClient, bureauCode: string): Promise<{ calendar: WorkingCalendar; sendWindow: SendWindow }> {
  const bureau = await prisma.bureau.findUniqueOrThrow({ where: { code: bureauCode }, include: { calendarOverrides: true } });
  return {
    calendar: new WorkingCalendar(mergeCalendar(bureau.calendarOverrides), bureau.timeZone),
    sendWindow: { opens: bureau.sendWindowOpens, closes: bureau.sendWindowCloses },
  };
}

/**
 * Whether a year's holidays are known for a bureau: the package covers it, or the bureau has
 * entered at least one override in it. An uncovered year counts weekends only.
 */
export async function yearCovered(prisma: PrismaClient, bureauCode: string, year: number): Promise<boolean> {
  if (STATUTORY_YEARS.has(year)) return true;
  const overrides = await prisma.calendarOverride.count({ where: { bureauCode, date: { startsWith: `${year}-` } } });
  return overrides > 0;
}
