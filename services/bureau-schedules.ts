import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type Workflow } from '@temporalio/client';
import type { PrismaClient } from '../generated/prisma/client';

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

/** One kind of schedule every bureau has: its id, the bureau's cron for it, and the workflow it starts with `{ bureauCode }`. */
export interface BureauScheduleKind {
  scheduleId(bureauCode: string): string;
  cronOf(bureau: { batchNoticeCron: string; inspectionCron: string }): string;
  workflowType: Workflow;
}

/**
 * Makes sure each bureau (or each of `bureauCodes`) has its schedule of this kind, on its cron
 * and in its time zone (see {@link ensureBureauSchedule}).
 * @returns the bureaus whose schedule was created or updated.
 */
export async function ensureBureauSchedules(deps: { prisma: PrismaClient; temporal: Client; taskQueue: string }, kind: BureauScheduleKind, bureauCodes?: string[]): Promise<string[]> {
  const bureaus = await deps.prisma.bureau.findMany({ where: bureauCodes ? { code: { in: bureauCodes } } : {}, orderBy: { code: 'asc' } });
  const changed: string[] = [];
  for (const bureau of bureaus) {
    const schedule = { scheduleId: kind.scheduleId(bureau.code), cron: kind.cronOf(bureau), timeZone: bureau.timeZone, workflowType: kind.workflowType, args: [{ bureauCode: bureau.code }] };
    if (await ensureBureauSchedule(deps.temporal, deps.taskQueue, schedule)) changed.push(bureau.code);
  }
  return changed;
}
