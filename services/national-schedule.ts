import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { isCalendarDate } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { fieldProblems, Refusal } from './refusal';
import { scheduleFromCsv, scheduleFromIcs } from './national-schedule-files';

extendZodWithOpenApi(z);

/**
 * The national holiday schedule (全国年节放假安排) the State Council publishes each November for
 * the next year: its days off (weekends inside a holiday included) and its make-up working days
 * (调休). An administrator loads a year once for every bureau; each bureau's overrides apply on top.
 */
export const SCHEDULE_DAY_KINDS = ['day_off', 'working_day'] as const;

// How the notice's own words name the kinds, for a file typed from it.
const KIND_WORDS: Record<string, (typeof SCHEDULE_DAY_KINDS)[number]> = {
  day_off: 'day_off',
  working_day: 'working_day',
  休: 'day_off',
  放假: 'day_off',
  班: 'working_day',
  上班: 'working_day',
  调休上班: 'working_day',
};

const ScheduleDay = z.strictObject({
  date: z.string().refine(isCalendarDate, 'must be a real date written YYYY-MM-DD, e.g. 2027-02-10'),
  kind: z.string().transform((kind, context) => {
    const known = KIND_WORDS[kind.trim()];
    if (!known) context.addIssue({ code: 'custom', message: 'must be day_off (休, 放假) or working_day (班, 上班)' });
    return known ?? 'day_off';
  }),
  name: z.string().trim().min(1, 'must name the holiday, e.g. 春节').max(50),
});

const Source = z.string().trim().min(1, 'must say where the days come from, e.g. 国办发明电〔2026〕7号').max(200);
const Days = z.array(ScheduleDay).min(1, 'must list the days off and make-up working days').max(400);

/** The schedule as the API takes it: its days as JSON, or the CSV typed from the notice (date,kind,name). */
export const NationalScheduleBody = z
  .union([
    z.strictObject({ source: Source, days: Days }),
    z.strictObject({ source: Source, csv: z.string().min(1).max(100_000).openapi({ example: 'date,kind,name\n2027-02-06,day_off,春节\n2027-02-14,working_day,春节调休' }) }),
    z.strictObject({ source: Source, ics: z.string().min(1).max(500_000).describe('an iCalendar file: all-day events, 班 in a summary marks a make-up working day') }),
  ])
  .openapi('NationalSchedule');

export type { NationalScheduleInput } from './national-schedule-files';

/** One day of a loaded schedule. */
export interface ScheduleDay {
  date: string;
  kind: (typeof SCHEDULE_DAY_KINDS)[number];
  name: string;
}

/**
 * Replaces a year's national schedule with these days, for every bureau at once.
 * @throws Refusal (invalid) naming each day outside the year, repeated, or malformed.
 */
export async function loadNationalSchedule(prisma: PrismaClient, year: number, input: unknown, loadedBy: string): Promise<{ year: number; days: number }> {
  const given = NationalScheduleBody.safeParse(input);
  if (!given.success) throw Refusal.invalid(fieldProblems(given.error));
  const asDays = 'csv' in given.data ? scheduleFromCsv(given.data.csv, given.data.source) : 'ics' in given.data ? scheduleFromIcs(given.data.ics, given.data.source) : given.data;
  const parsed = z.strictObject({ source: Source, days: Days }).safeParse(asDays);
  if (!parsed.success) throw Refusal.invalid(fieldProblems(parsed.error));
  const problems = parsed.data.days.flatMap((day, index) => {
    if (!day.date.startsWith(`${year}-`)) return [{ path: `days.${index}.date`, message: `must be in ${year}, the year loaded` }];
    if (parsed.data.days.findIndex((other) => other.date === day.date) !== index) return [{ path: `days.${index}.date`, message: `${day.date} is listed twice` }];
    return [];
  });
  if (!parsed.data.days.some((day) => day.kind === 'day_off')) problems.push({ path: 'days', message: 'must hold the days off, not only the make-up working days' });
  if (problems.length > 0) throw Refusal.invalid(problems);
  const days = parsed.data.days.map((day) => ({ ...day, year }));
  await prisma.$transaction([
    prisma.nationalScheduleDay.deleteMany({ where: { year } }),
    prisma.nationalScheduleYear.upsert({
      where: { year },
      create: { year, source: parsed.data.source, loadedBy },
      update: { source: parsed.data.source, loadedBy, loadedAt: new Date() },
    }),
    prisma.nationalScheduleDay.createMany({ data: days }),
  ]);
  return { year, days: days.length };
}

/** Every loaded year's days. */
export async function nationalScheduleDays(prisma: PrismaClient): Promise<Array<ScheduleDay & { year: number }>> {
  return (await prisma.nationalScheduleDay.findMany({ orderBy: { date: 'asc' } })) as Array<ScheduleDay & { year: number }>;
}

/** The years an administrator has loaded. */
export async function loadedScheduleYears(prisma: PrismaClient): Promise<Set<number>> {
  return new Set((await prisma.nationalScheduleYear.findMany({ select: { year: true } })).map((row) => row.year));
}

/** The years the next twelve months touch, from `now` in the bureaus' zone. */
export function yearsAhead(now: Date, zone = 'Asia/Shanghai'): number[] {
  const today = DateTime.fromJSDate(now, { zone });
  return [...new Set([today.year, today.plus({ months: 12 }).year])];
}
