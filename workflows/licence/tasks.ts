import type { TaskCompletion } from '../licence-definitions';
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
