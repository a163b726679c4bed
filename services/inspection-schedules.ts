import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../generated/prisma/client';
import { inspectionWorkflow } from '../workflows/inspection-workflow';
import { ensureBureauSchedules } from './bureau-schedules';

/** The Temporal Schedule of a bureau's periodic inspection (定期督促检查). */
export const inspectionScheduleId = (bureauCode: string) => `inspection/${bureauCode}`;

/**
 * Makes sure each bureau has its inspection schedule, firing at its `inspectionCron` (monthly by
 * default) in its time zone.
 * @returns the bureaus whose schedule was created or updated.
 */
export function ensureInspectionSchedules(deps: { prisma: PrismaClient; temporal: Client; taskQueue: string }, bureauCodes?: string[]): Promise<string[]> {
  return ensureBureauSchedules(deps, { scheduleId: inspectionScheduleId, cronOf: (bureau) => bureau.inspectionCron, workflowType: inspectionWorkflow }, bureauCodes);
}
