import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { localDateOf } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { batchNoticeWorkflow } from '../workflows/batch-notice-workflow';
import { ensureBureauSchedules } from './bureau-schedules';

export interface BatchNoticeDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
}

/** The Temporal Schedule that publishes a bureau's batch notice. */
export const batchNoticeScheduleId = (bureauCode: string) => `batch-notice/${bureauCode}`;

/**
 * Makes sure each bureau has its batch notice schedule, firing at its `batchNoticeCron` in its
 * time zone (see {@link ensureBureauSchedules}).
 * @returns the bureaus whose schedule was created or updated.
 */
export function ensureBatchNoticeSchedules(deps: BatchNoticeDependencies, bureauCodes?: string[]): Promise<string[]> {
  return ensureBureauSchedules(deps, { scheduleId: batchNoticeScheduleId, cronOf: (bureau) => bureau.batchNoticeCron, workflowType: batchNoticeWorkflow }, bureauCodes);
}

/**
 * Starts today's batch notice for a bureau now, as its schedule would, and returns at once: the
 * portal may be down, and the notice waits for it. The day's notice is compiled and published
 * once however many times this is called.
 * @returns the id of the workflow that publishes it.
 */
export async function publishBatchNoticeNow(deps: BatchNoticeDependencies, bureau: { code: string; timeZone: string }, now: Date): Promise<string> {
  const workflowId = `${batchNoticeScheduleId(bureau.code)}/${localDateOf(now, bureau.timeZone)}`;
  try {
    await deps.temporal.workflow.start(batchNoticeWorkflow, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ bureauCode: bureau.code }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
  } catch (error) {
    // Pressed twice while the first run still waits for the portal: that run publishes it.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return workflowId;
}
