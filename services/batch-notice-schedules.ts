import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { localDateOf } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { batchNoticeWorkflow } from '../workflows/batch-notice-workflow';

export interface BatchNoticeDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
}

/** The Temporal Schedule that publishes a bureau's batch notice. */
export const batchNoticeScheduleId = (bureauCode: string) => `batch-notice/${bureauCode}`;

// The schedule's note records the cron and zone it was made from: the server keeps the spec only
// in its compiled form, and a bureau's change must be told apart from what is already running.
const noteOf = (cron: string, timeZone: string) => `cron ${cron} in ${timeZone}`;

/**
 * Makes sure each bureau has its batch notice schedule, firing at its `batchNoticeCron` in its
 * time zone; a schedule whose cron or zone changed is updated, one that matches is left alone.
 * A run still going when the next falls due makes the next one skip.
 * @returns the bureaus whose schedule was created or updated.
 */
export async function ensureBatchNoticeSchedules(deps: BatchNoticeDependencies, bureauCodes?: string[]): Promise<string[]> {
  const bureaus = await deps.prisma.bureau.findMany({ where: bureauCodes ? { code: { in: bureauCodes } } : {}, orderBy: { code: 'asc' } });
  const changed: string[] = [];
  for (const bureau of bureaus) {
    const scheduleId = batchNoticeScheduleId(bureau.code);
    const note = noteOf(bureau.batchNoticeCron, bureau.timeZone);
    const spec = { cronExpressions: [bureau.batchNoticeCron], timezone: bureau.timeZone };
    try {
      await deps.temporal.schedule.create({
        scheduleId,
        spec,
        action: { type: 'startWorkflow', workflowType: batchNoticeWorkflow, args: [{ bureauCode: bureau.code }], workflowId: scheduleId, taskQueue: deps.taskQueue },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
        state: { note },
      });
      changed.push(bureau.code);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      const handle = deps.temporal.schedule.getHandle(scheduleId);
      if ((await handle.describe()).state.note === note) continue;
      await handle.update((previous) => ({ ...previous, spec, state: { ...previous.state, note } }));
      changed.push(bureau.code);
    }
  }
  return changed;
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
