import { log } from '@temporalio/activity';
import { DateTime } from 'luxon';
import type { PrismaClient } from '../generated/prisma/client';
import { bureauCalendar, yearCovered } from '../services/working-calendar';

/** A question about a licence's bureau calendar, from an instant. */
export interface CalendarQuestion {
  licenceId: string;
  /** ISO-8601 instant. */
  from: string;
}

// Bureau years already reported without holidays: one warning per worker process is enough.
const warned = new Set<string>();

async function calendarOf(prisma: PrismaClient, input: CalendarQuestion) {
  const licence = await prisma.licence.findUniqueOrThrow({ where: { id: input.licenceId }, select: { bureauCode: true } });
  const from = DateTime.fromISO(input.from, { setZone: true });
  if (!from.isValid) throw new Error(`from "${input.from}" is not an ISO-8601 instant`);
  const found = await bureauCalendar(prisma, licence.bureauCode);
  const year = from.setZone(found.calendar.zone).year;
  if (!warned.has(`${licence.bureauCode}/${year}`) && !(await yearCovered(prisma, year))) {
    // Counting weekends only is better than stopping reminders; the operator must add the year.
    warned.add(`${licence.bureauCode}/${year}`);
    log.warn(`the working-day calendar has no holidays for ${year}: an administrator loads the State Council's schedule (PUT /api/v1/national-schedule/${year})`);
  }
  return { ...found, from };
}

/**
 * When an SMS or a phone task due at `from` may go out: `from` itself inside the bureau's send
 * window on a working day, else the next opening of the window.
 * @returns an ISO-8601 instant.
 */
export async function nextSendInstant(prisma: PrismaClient, input: CalendarQuestion): Promise<string> {
  const { calendar, sendWindow, from } = await calendarOf(prisma, input);
  return calendar.nextSendInstant(from, sendWindow).toUTC().toISO()!;
}

/**
 * {@link nextSendInstant} for each instant asked (ISO-8601, or undefined for none), from one read
 * of the bureau's calendar; nothing is read when none is asked.
 */
export async function nextSendInstants(prisma: PrismaClient, licenceId: string, asked: ReadonlyArray<string | undefined>): Promise<Array<string | undefined>> {
  const first = asked.find((instant) => instant !== undefined);
  if (first === undefined) return asked.map(() => undefined);
  const { calendar, sendWindow } = await calendarOf(prisma, { licenceId, from: first });
  return asked.map((instant) => {
    if (instant === undefined) return undefined;
    const from = DateTime.fromISO(instant, { setZone: true });
    if (!from.isValid) throw new Error(`"${instant}" is not an ISO-8601 instant`);
    return calendar.nextSendInstant(from, sendWindow).toUTC().toISO()!;
  });
}

/**
 * The end of the `days`-th working day after `from` on the bureau's calendar: a human task's due time.
 * @returns an ISO-8601 instant.
 */
export async function workingDaysDeadline(prisma: PrismaClient, input: CalendarQuestion & { days: number }): Promise<string> {
  const { calendar, from } = await calendarOf(prisma, input);
  return calendar.addWorkingDays(from, input.days).toUTC().toISO()!;
}

/**
 * The instant `days` working days after `from`, at the same local time: a ladder wait counted in
 * working days.
 * @returns an ISO-8601 instant.
 */
export async function workingDaysLater(prisma: PrismaClient, input: CalendarQuestion & { days: number }): Promise<string> {
  const { calendar, from } = await calendarOf(prisma, input);
  return calendar.workingDaysAfter(from, input.days).toUTC().toISO()!;
}

/**
 * A task's deadline, the end of the `days`-th working day after `from`, and, asked `sendingAt`, when
 * the send window next opens from then: one read of the calendar for both.
 * @returns ISO-8601 instants.
 */
export async function taskTimes(prisma: PrismaClient, input: CalendarQuestion & { days: number; sendingAt?: string }): Promise<{ dueAt: string; sendAt?: string }> {
  const { calendar, sendWindow, from } = await calendarOf(prisma, input);
  const dueAt = calendar.addWorkingDays(from, input.days).toUTC().toISO()!;
  if (input.sendingAt === undefined) return { dueAt };
  const sendingAt = DateTime.fromISO(input.sendingAt, { setZone: true });
  if (!sendingAt.isValid) throw new Error(`sendingAt "${input.sendingAt}" is not an ISO-8601 instant`);
  return { dueAt, sendAt: calendar.nextSendInstant(sendingAt, sendWindow).toUTC().toISO()! };
}
