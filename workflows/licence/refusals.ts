import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { REFUSAL_FAILURE_TYPE, type RefusalDetails } from '../licence-definitions';
import type { LicenceLife } from './state';
import { deadlineAfter } from './timing';
import { REFUSAL_BECOMES_TASK_PATCH } from './versions';
import { waitForNews } from './waits';

/** Working days the department has to fix a refused step before its task is overdue. */
const FIX_WORKING_DAYS = 2;

function refusalOf(error: unknown): RefusalDetails | undefined {
  // An activity's failure arrives wrapped in an ActivityFailure; a local activity's arrives as it was thrown.
  const failure = error instanceof ActivityFailure ? error.cause : error;
  if (!(failure instanceof ApplicationFailure) || failure.type !== REFUSAL_FAILURE_TYPE) return undefined;
  return (failure.details?.[0] as RefusalDetails | undefined) ?? { code: 'refused', message: failure.message, fields: [] };
}

/**
 * Runs a step until the application accepts it. A refusal (the activity failed for good, see
 * activities/refusals.ts) raises an alert for the supervisors and a task for the department saying
 * what to fix; once the task is completed the step is tried again, under a fresh task each time.
 */
export async function untilAccepted<T>(life: LicenceLife, step: string, stepKey: string, run: () => Promise<T>): Promise<T> {
  for (let refusals = 1; ; refusals++) {
    try {
      return await run();
    } catch (error) {
      const refusal = refusalOf(error);
      // Evaluated where the refusal arrives: executions from before it never saw one here.
      if (!refusal || !life.patched(REFUSAL_BECOMES_TASK_PATCH)) throw error;
      const taskId = await life.engine.raiseRefusal({
        licenceId: life.licenceId,
        idempotencyKey: life.keys.refusal(stepKey, refusals),
        step,
        refusal,
        dueAt: await deadlineAfter(life, Date.now(), FIX_WORKING_DAYS),
      });
      life.note('step_refused', `${step}: ${refusal.message}`);
      while (!life.completions.has(taskId)) await waitForNews(life, life.news);
    }
  }
}
