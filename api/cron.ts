import { z } from 'zod';
import type { Bureau, PrismaClient } from '../generated/prisma/client';
import { ApiError } from './errors';
import './schemas';

// Each field's numbers, as cron counts them (day-of-week 7 is Sunday again); names (MON, JAN) pass through.
const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

/** What is wrong with a five-field cron expression's numbers: out of range, or a step of 0. */
function cronFieldProblems(cron: string): string[] {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) return [];
  return fields.flatMap((field, index) => {
    const { name, min, max } = CRON_FIELDS[index]!;
    return field.split(',').flatMap((part) => {
      const [range, step] = part.split('/');
      if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return [`${name} step "${step}" must be a whole number above 0`];
      const numbers = (range ?? '').split('-').filter((bound) => /^\d+$/.test(bound)).map(Number);
      const outside = numbers.filter((number) => number < min || number > max);
      return outside.length > 0 ? [`${name} ${outside.join(', ')} is outside ${min}–${max}`] : [];
    });
  });
}


/** A five-field cron expression, read in the bureau's time zone; Temporal judges what this cannot. */
export const CronSchema = z
  .string()
  .trim()
  .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression (minute hour day-of-month month day-of-week), e.g. 0 9 * * 1 for Mondays at 09:00')
  .superRefine((cron, context) => {
    for (const problem of cronFieldProblems(cron)) context.addIssue({ code: 'custom', message: problem });
  });

/**
 * Gives a bureau a new cron for one of its schedules and brings the schedule in line; when
 * Temporal refuses the expression, the bureau keeps the cron it had and the answer is 400 on `cron`.
 */
export async function setBureauCron(
  prisma: PrismaClient,
  bureau: Bureau,
  field: 'batchNoticeCron' | 'inspectionCron',
  cron: string,
  ensureSchedule: () => Promise<unknown>,
): Promise<void> {
  await prisma.bureau.update({ where: { code: bureau.code }, data: { [field]: cron } });
  try {
    await ensureSchedule();
  } catch (error) {
    await prisma.bureau.update({ where: { code: bureau.code }, data: { [field]: bureau[field] } });
    // gRPC INVALID_ARGUMENT (3) is how Temporal refuses a spec it cannot read.
    if (error instanceof Error && (/cron|invalid/i.test(error.message) || (error as { code?: unknown }).code === 3)) throw ApiError.invalid([{ path: 'cron', message: `Temporal refused it: ${error.message}` }]);
    throw error;
  }
}
