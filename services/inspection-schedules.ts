import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../generated/prisma/client';
import { inspectionWorkflow } from '../workflows/inspection-workflow';
import { ensureBureauSchedule } from './bureau-schedules';

/** The Temporal Schedule of a bureau's periodic inspection (定期督促检查). */
export const inspectionScheduleId = (bureauCode: string) => `inspection/${bureauCode}`;

/**
 * Makes sure each bureau has its inspection schedule, firing at its `inspectionCron` (monthly by
 * default) in its time zone.
 * @returns the bureaus whose schedule was created or updated.
 */
export async function ensureInspectionSchedules(deps: { prisma: PrismaClient; temporal: Client; taskQueue: string }, bureauCodes?: string[]): Promise<string[]> {
  const bureaus = await deps.prisma.bureau.findMany({ where: bureauCodes ? { code: { in: bureauCodes } } : {}, orderBy: { code: 'asc' } });
  const changed: string[] = [];
  for (const bureau of bureaus) {
    const schedule = { scheduleId: inspectionScheduleId(bureau.code), cron: bureau.inspectionCron, timeZone: bureau.timeZone, workflowType: inspectionWorkflow, args: [{ bureauCode: bureau.code }] };
    if (await ensureBureauSchedule(deps.temporal, deps.taskQueue, schedule)) changed.push(bureau.code);
  }
  return changed;
}
