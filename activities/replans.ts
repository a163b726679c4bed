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
 * and counts nothing twice, because progress only moves from the cursor it started at.
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
  let done = 0;
  let failed = 0;
  let lastError: string | null = null;
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
      done += 1;
    } catch (error) {
      // A workflow that closed since the query has nothing to re-plan.
      if (error instanceof WorkflowNotFoundError) {
        done += 1;
        continue;
      }
      failed += 1;
      lastError = `${licence.workflowId}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const lastLicenceId = licences.at(-1)!.id;
  await prisma.replanJob.updateMany({
    where: { id: input.jobId, cursor: input.afterLicenceId ?? null },
    data: { cursor: lastLicenceId, done: { increment: done }, failed: { increment: failed }, ...(lastError ? { lastError } : {}) },
  });
  return lastLicenceId;
}

/** Marks a re-plan job finished. */
export async function finishReplan(deps: ActivityDependencies, input: { jobId: string }): Promise<void> {
  await deps.prisma.replanJob.update({ where: { id: input.jobId }, data: { status: 'finished', finishedAt: activityNow() } });
}
