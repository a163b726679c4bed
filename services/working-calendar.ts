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

/** One day of a calendar year that is not an ordinary weekday or weekend, and where it comes from. */
export interface SpecialDay {
  date: string;
  kind: CalendarOverrideKind;
  name: string;
  source: 'statutory' | 'bureau';
}

/** The Chinese name the package gives a day: its entries read `National Day,国庆节,3`. */
function statutoryName(entry: string): string {
  return entry.split(',')[1] ?? entry;
}

/**
 * A bureau's special days in one year: the package's holidays and make-up working days, with the
 * bureau's overrides in their place. Sorted by date.
 */
export async function calendarYear(prisma: PrismaClient, bureauCode: string, year: number): Promise<{ covered: boolean; statutory: boolean; days: SpecialDay[] }> {
  const overrides = await prisma.calendarOverride.findMany({ where: { bureauCode, date: { startsWith: `${year}-` } } });
  const overridden = new Set(overrides.map((override) => override.date));
  const inYear = (date: string) => date.startsWith(`${year}-`) && !overridden.has(date);
  const days: SpecialDay[] = [
    ...Object.entries(statutory.holidays as Record<string, string>)
      .filter(([date]) => inYear(date))
      .map(([date, entry]) => ({ date, kind: 'day_off' as const, name: statutoryName(entry), source: 'statutory' as const })),
    ...Object.entries(statutory.workdays as Record<string, string>)
      .filter(([date]) => inYear(date))
      .map(([date, entry]) => ({ date, kind: 'working_day' as const, name: `${statutoryName(entry)}调休`, source: 'statutory' as const })),
    ...overrides.map((override) => ({ date: override.date, kind: override.kind as CalendarOverrideKind, name: override.name, source: 'bureau' as const })),
  ];
  days.sort((a, b) => a.date.localeCompare(b.date));
  return { covered: STATUTORY_YEARS.has(year) || overrides.length > 0, statutory: STATUTORY_YEARS.has(year), days };
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
