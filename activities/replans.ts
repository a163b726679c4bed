import { WorkflowNotFoundError } from '@temporalio/client';
import { FINAL_STAGES, reminderWindowOpensAt } from '../domain';
import { replanSignal } from '../workflows/licence-definitions';
import { activityNow } from './clock';
import type { ActivityDependencies } from './dependencies';
import { calendarDateOf } from '../services/licence-registration';

export interface ReplanBatchInput {
  jobId: string;
  catalogueEntryId: string;
  reminderLeadMonths: number;
  catalogueVersion: number;
  /** Licences are taken in id order after this one. */
  afterLicenceId?: string;
  batchSize: number;
}

/**
 * Tells one batch of the entry's running licences to re-plan, moves their window in the read
 * model, and advances the job's progress. Idempotent: a retried batch signals again (harmless)
 * and counts nothing twice, because progress only moves from the cursor it started at. A signal
 * that fails stops the batch there and fails the activity, which Temporal retries from that licence.
 *
 * @returns the last licence id of the batch, or `undefined` when there were none left.
 */
export async function replanBatch(deps: ActivityDependencies, input: ReplanBatchInput): Promise<string | undefined> {
  const { prisma, temporal } = deps;
  const licences = await prisma.licence.findMany({
    where: {
      catalogueEntryId: input.catalogueEntryId,
      stage: { notIn: [...FINAL_STAGES] },
      ...(input.afterLicenceId ? { id: { gt: input.afterLicenceId } } : {}),
    },
    include: { bureau: true },
    orderBy: { id: 'asc' },
    take: input.batchSize,
  });
  if (licences.length === 0) return undefined;
  for (const licence of licences) {
    try {
      await temporal.workflow
        .getHandle(licence.workflowId)
        .signal(replanSignal, { reminderLeadMonths: input.reminderLeadMonths, catalogueVersion: input.catalogueVersion });
      const expiresOn = calendarDateOf(licence.expiresOn);
      await prisma.licence.update({
        where: { id: licence.id },
        data: { reminderWindowOpensAt: reminderWindowOpensAt(expiresOn, input.reminderLeadMonths, licence.bureau.timeZone).toJSDate() },
      });
    } catch (error) {
      // A workflow that closed since the query has nothing to re-plan; any other failure stops the
      // batch before this licence, so that the activity's retry tells it.
      if (!(error instanceof WorkflowNotFoundError)) {
        const lastError = `${licence.workflowId}: ${error instanceof Error ? error.message : String(error)}`;
        // The cursor stays where the batch started: its retry counts the whole batch once.
        await prisma.replanJob.update({ where: { id: input.jobId }, data: { failed: { increment: 1 }, lastError } });
        throw new Error(`re-plan stopped at ${lastError}`, { cause: error });
      }
    }
  }
  const lastLicenceId = licences.at(-1)!.id;
  await prisma.replanJob.updateMany({
    where: { id: input.jobId, cursor: input.afterLicenceId ?? null },
    data: { cursor: lastLicenceId, done: { increment: licences.length } },
  });
  return lastLicenceId;
}

/** Marks a re-plan job finished. */
export async function finishReplan(deps: ActivityDependencies, input: { jobId: string }): Promise<void> {
  await deps.prisma.replanJob.update({ where: { id: input.jobId }, data: { status: 'finished', finishedAt: activityNow() } });
}
