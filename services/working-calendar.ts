import statutory from 'chinese-days/dist/chinese-days.json';
import type { PrismaClient } from '../generated/prisma/client';
import { WorkingCalendar, type SendWindow, type WorkingCalendarData } from '../domain';
import { loadedScheduleYears, nationalScheduleDays, yearsAhead } from './national-schedule';

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
 * Merges the package's days, the national schedule loaded for later years and a bureau's
 * overrides: a loaded year's schedule replaces the package for that year, and an override decides
 * its day, whatever either says about it.
 */
export function mergeCalendar(overrides: ReadonlyArray<{ date: string; kind: string }>, national: ReadonlyArray<{ date: string; kind: string; year: number }> = []): WorkingCalendarData {
  const loadedYears = new Set(national.map((day) => String(day.year)));
  const overridden = new Set(overrides.map((override) => override.date));
  const fromPackage = (date: string) => !loadedYears.has(date.slice(0, 4)) && !overridden.has(date);
  const fromSchedule = national.filter((day) => !overridden.has(day.date));
  return {
    daysOff: [
      ...STATUTORY.daysOff.filter(fromPackage),
      ...fromSchedule.filter((day) => day.kind === 'day_off').map((day) => day.date),
      ...overrides.filter((override) => override.kind === 'day_off').map((override) => override.date),
    ],
    makeUpWorkingDays: [
      ...STATUTORY.makeUpWorkingDays.filter(fromPackage),
      ...fromSchedule.filter((day) => day.kind === 'working_day').map((day) => day.date),
      ...overrides.filter((override) => override.kind === 'working_day').map((override) => override.date),
    ],
  };
}

/** One day of a calendar year that is not an ordinary weekday or weekend, and where it comes from. */
export interface SpecialDay {
  date: string;
  kind: CalendarOverrideKind;
  name: string;
  /** The data package, the national schedule an administrator loaded, or the bureau's own override. */
  source: 'statutory' | 'national' | 'bureau';
}

/** The data package's days of one year, as a national schedule lists them. */
export function packageDays(year: number): Array<{ date: string; kind: CalendarOverrideKind; name: string }> {
  return [
    ...Object.entries(statutory.holidays as Record<string, string>).map(([date, entry]) => ({ date, kind: 'day_off' as const, name: statutoryName(entry) })),
    ...Object.entries(statutory.workdays as Record<string, string>).map(([date, entry]) => ({ date, kind: 'working_day' as const, name: `${statutoryName(entry)}调休` })),
  ]
    .filter((day) => day.date.startsWith(`${year}-`))
    .sort((a, b) => a.date.localeCompare(b.date));
}

/** The Chinese name the package gives a day: its entries read `National Day,国庆节,3`. */
function statutoryName(entry: string): string {
  return entry.split(',')[1] ?? entry;
}

/**
 * A bureau's special days in one year: the package's holidays and make-up working days (or the
 * national schedule loaded for the year), with the bureau's overrides in their place. Sorted by
 * date. A year is covered when the package or a loaded schedule has it; overrides alone do not
 * cover a year.
 */
export async function calendarYear(
  prisma: PrismaClient,
  bureauCode: string,
  year: number,
): Promise<{ covered: boolean; statutory: boolean; nationalSchedule: { source: string; loadedAt: string } | null; days: SpecialDay[] }> {
  const [overrides, schedule] = await Promise.all([
    prisma.calendarOverride.findMany({ where: { bureauCode, date: { startsWith: `${year}-` } } }),
    prisma.nationalScheduleYear.findUnique({ where: { year }, include: { days: true } }),
  ]);
  const overridden = new Set(overrides.map((override) => override.date));
  const inYear = (date: string) => date.startsWith(`${year}-`) && !overridden.has(date);
  const fromPackage = schedule
    ? []
    : [
        ...Object.entries(statutory.holidays as Record<string, string>)
          .filter(([date]) => inYear(date))
          .map(([date, entry]) => ({ date, kind: 'day_off' as const, name: statutoryName(entry), source: 'statutory' as const })),
        ...Object.entries(statutory.workdays as Record<string, string>)
          .filter(([date]) => inYear(date))
          .map(([date, entry]) => ({ date, kind: 'working_day' as const, name: `${statutoryName(entry)}调休`, source: 'statutory' as const })),
      ];
  const days: SpecialDay[] = [
    ...fromPackage,
    ...(schedule?.days ?? [])
      .filter((day) => !overridden.has(day.date))
      .map((day) => ({ date: day.date, kind: day.kind as CalendarOverrideKind, name: day.name, source: 'national' as const })),
    ...overrides.map((override) => ({ date: override.date, kind: override.kind as CalendarOverrideKind, name: override.name, source: 'bureau' as const })),
  ];
  days.sort((a, b) => a.date.localeCompare(b.date));
  return {
    covered: STATUTORY_YEARS.has(year) || schedule !== null,
    statutory: STATUTORY_YEARS.has(year),
    nationalSchedule: schedule ? { source: schedule.source, loadedAt: schedule.loadedAt.toISOString() } : null,
    days,
  };
}

/** A bureau's working-day calendar and send window, read from the package, the national schedule and its override table. */
export async function bureauCalendar(prisma: PrismaClient, bureauCode: string): Promise<{ calendar: WorkingCalendar; sendWindow: SendWindow }> {
  const [bureau, national] = await Promise.all([
    prisma.bureau.findUniqueOrThrow({ where: { code: bureauCode }, include: { calendarOverrides: true } }),
    nationalScheduleDays(prisma),
  ]);
  return {
    calendar: new WorkingCalendar(mergeCalendar(bureau.calendarOverrides, national), bureau.timeZone),
    sendWindow: { opens: bureau.sendWindowOpens, closes: bureau.sendWindowCloses },
  };
}

/**
 * Whether a year's holidays are known: the package covers it, or an administrator loaded its
 * national schedule. A bureau's overrides do not make a year covered: one day entered by hand says
 * nothing of the rest. An uncovered year counts weekends only.
 */
export async function yearCovered(prisma: PrismaClient, year: number): Promise<boolean> {
  if (STATUTORY_YEARS.has(year)) return true;
  return (await prisma.nationalScheduleYear.count({ where: { year } })) > 0;
}

/** The years of the next twelve months whose holidays nobody has loaded: reminders count weekends only there. */
export async function uncoveredYearsAhead(prisma: PrismaClient, now: Date): Promise<number[]> {
  const loaded = await loadedScheduleYears(prisma);
  return yearsAhead(now).filter((year) => !STATUTORY_YEARS.has(year) && !loaded.has(year));
}

/** Sets one day of a bureau's calendar: a local holiday, or a make-up working day, over the national days. */
export async function setCalendarOverride(prisma: PrismaClient, bureauCode: string, date: string, day: { kind: CalendarOverrideKind; name: string }): Promise<void> {
  await prisma.calendarOverride.upsert({
    where: { bureauCode_date: { bureauCode, date } },
    create: { bureauCode, date, ...day },
    update: day,
  });
}
