import { ApplicationFailure } from '@temporalio/activity';
import type { PrismaClient } from '../generated/prisma/client';
import { Refusal } from '../services/refusal';
import { REFUSAL_FAILURE_TYPE, type RefusalDetails } from '../workflows/licence-definitions';
import { activityNow } from './clock';
import { openTaskOnce } from '../services/task-store';


// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any activity's signature
type Activity = (...args: any[]) => Promise<unknown>;

/**
 * Wraps each activity so that a {@link Refusal} ends its retries at once: a non-retryable failure
 * carrying the code, the message and the fields that name the fix.
 */
export function refusalsAreFinal<T extends Record<string, Activity>>(activities: T): T {
  const wrapped: Record<string, Activity> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args) => {
      try {
        return await activity(...args);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        const details: RefusalDetails = { code: error.code, message: error.message, fields: error.fields };
        throw ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPE, message: error.message, nonRetryable: true, details: [details] });
      }
    };
  }
  return wrapped as T;
}

export interface RaiseRefusalInput {
  licenceId: string;
  idempotencyKey: string;
  /** The refused step, in words: `registering the renewed licence 鲁威药经2028001`. */
  step: string;
  refusal: RefusalDetails;
  /** ISO-8601 instant the department should have fixed it by. */
  dueAt: string;
}

/**
 * A step of the licence's workflow was refused: the supervisors get an alert, the department a
 * task whose note says what to fix, once per key. The workflow tries the step again when the task
 * is completed.
 *
 * @returns the task's id.
 */
export async function raiseRefusal(prisma: PrismaClient, input: RaiseRefusalInput): Promise<string> {
  const fix = input.refusal.fields.map((field) => `${field.path} ${field.message}`).join('; ');
  const note = `${input.step} was refused: ${input.refusal.message}${fix ? ` (${fix})` : ''}. Fix it, then complete this task with "fixed": the step is tried again.`;
  return prisma.$transaction(async (tx) => {
    await tx.alert.createMany({
      data: [{ licenceId: input.licenceId, idempotencyKey: `${input.idempotencyKey}/alert`, kind: 'step_refused', message: note, createdAt: activityNow() }],
      skipDuplicates: true,
    });
    return openTaskOnce(tx, { licenceId: input.licenceId, idempotencyKey: input.idempotencyKey, kind: 'resolve_refusal', dueAt: input.dueAt, note });
  });
}
