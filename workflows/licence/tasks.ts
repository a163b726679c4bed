import type { OpenedTask, OpenHumanTaskInput } from '../../activities';
import type { TaskCompletion } from '../licence-definitions';
import { deadlineAfter } from './timing';
import { continueIfLong } from './continuation';
import type { LicenceLife } from './state';
import { OVERDUE_ESCALATION_PATCH } from './versions';
import { waitForNewsAtMost } from './waits';

/**
 * Waits for a human task; `undefined` when news interrupted it or the licence lapsed first. A task
 * still open at its due time is escalated to the supervisors, once, and waited for all the same.
 */
export async function awaitTask(life: LicenceLife, taskId: string, dueAt?: string): Promise<TaskCompletion | undefined> {
  life.nextAction = { kind: 'await_task', dueAt: null, taskId };
  const escalates = dueAt !== undefined && life.patched(OVERDUE_ESCALATION_PATCH);
  const dueMs = dueAt === undefined ? Infinity : Date.parse(dueAt);
  let escalated = false;
  for (;;) {
    const completion = life.completions.get(taskId);
    if (completion) return completion;
    const remaining = life.lapsesAt() - Date.now();
    if (remaining <= 0 || life.interruptsLadder()) return undefined;
    if (escalates && !escalated && Date.now() >= dueMs) {
      escalated = true;
      await life.engine.escalateOverdueTask({ licenceId: life.licenceId, taskId, idempotencyKey: life.keys.taskOverdue(taskId) });
      life.note('task_overdue', taskId);
      continue;
    }
    await continueIfLong(life);
    // Any news may move the expiry or interrupt the ladder: look again after each.
    const untilDue = escalates && !escalated ? dueMs - Date.now() : Infinity;
    await waitForNewsAtMost(life, life.news, Math.min(remaining, untilDue));
  }
}

/** Withdraws the licence's open ladder tasks; a holder's own requests stay open. */
export async function closeTasks(life: LicenceLife, reason: string): Promise<void> {
  await life.engine.cancelOpenTasks({ licenceId: life.licenceId, reason });
}

/** A task wait was cut short: its task is withdrawn, and a later turn makes a fresh one. */
export async function withdrawInterrupted(life: LicenceLife): Promise<void> {
  life.ladder.cycle += 1;
  await closeTasks(life, 'interrupted');
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What a ladder step's task is, before its deadline is counted. */
export type TaskToOpen = Omit<OpenHumanTaskInput, 'licenceId' | 'dueAt'>;

/** Opens a task due `dueWorkingDays` working days after `from`: a letter, guidance, a renewal to confirm. */
export async function openTaskDue(life: LicenceLife, from: number, dueWorkingDays: number, task: TaskToOpen): Promise<{ taskId: string; dueAt: string }> {
  const opened = await openTask(life, from, dueWorkingDays, task, false);
  if ('sendAt' in opened) throw new Error(`task ${task.idempotencyKey} was asked to wait for no send window, yet the engine answered one`);
  return opened;
}

/** Opens a call's task due `dueWorkingDays` working days after `from`, if the bureau's send window is open now. */
export function openTaskInSendWindow(life: LicenceLife, from: number, dueWorkingDays: number, task: TaskToOpen): Promise<OpenedTask> {
  return openTask(life, from, dueWorkingDays, task, true);
}

/**
 * A folded run asks for a task as one engine step (openHumanTaskDueIn), which for a task that
 * reaches the holder also checks the send window and answers `sendAt` when it is shut; runs from
 * before asked for the deadline and then opened the task, the send window checked before the step.
 */
async function openTask(life: LicenceLife, from: number, dueWorkingDays: number, task: TaskToOpen, reachesHolder: boolean): Promise<OpenedTask> {
  if (life.folded) {
    return life.engine.openHumanTaskDueIn({
      licenceId: life.licenceId,
      ...task,
      from: iso(from),
      dueWorkingDays,
      ...(reachesHolder ? { inSendWindowAt: iso(Date.now()) } : {}),
    });
  }
  const dueAt = await deadlineAfter(life, from, dueWorkingDays);
  return { taskId: await life.engine.openHumanTask({ licenceId: life.licenceId, ...task, dueAt }), dueAt };
}
