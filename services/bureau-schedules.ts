import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type Workflow } from '@temporalio/client';

/** A Temporal Schedule that runs one workflow per bureau on the bureau's own cron and time zone. */
export interface BureauSchedule {
  scheduleId: string;
  cron: string;
  timeZone: string;
  workflowType: Workflow;
  args: unknown[];
}

// The schedule's note records the cron and zone it was made from: the server keeps the spec only
// in its compiled form, and a bureau's change must be told apart from what is already running.
const noteOf = (cron: string, timeZone: string) => `cron ${cron} in ${timeZone}`;

/**
 * Creates the schedule, or updates it when its cron or zone changed; one that matches is left
 * alone. A run still going when the next falls due makes the next one skip.
 * @returns whether it was created or updated.
 */
export async function ensureBureauSchedule(temporal: Client, taskQueue: string, schedule: BureauSchedule): Promise<boolean> {
  const note = noteOf(schedule.cron, schedule.timeZone);
  const spec = { cronExpressions: [schedule.cron], timezone: schedule.timeZone };
  try {
    await temporal.schedule.create({
      scheduleId: schedule.scheduleId,
      spec,
      action: { type: 'startWorkflow', workflowType: schedule.workflowType, args: schedule.args, workflowId: schedule.scheduleId, taskQueue },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      state: { note },
    });
    return true;
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = temporal.schedule.getHandle(schedule.scheduleId);
    if ((await handle.describe()).state.note === note) return false;
    await handle.update((previous) => ({ ...previous, spec, state: { ...previous.state, note } }));
    return true;
  }
}
