import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { LicenceActivities } from '../activities';

const activities = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** What a re-plan job needs; `afterLicenceId` carries the cursor across continue-as-new. */
export interface ReplanWorkflowInput {
  jobId: string;
  catalogueEntryId: string;
  reminderLeadMonths: number;
  catalogueVersion: number;
  afterLicenceId?: string;
}

const BATCH_SIZE = 100;
// Keeps each run's history short whatever the number of licences.
const BATCHES_PER_RUN = 50;

/**
 * Re-plans every running licence workflow of one catalogue entry after its lead time or ladder
 * changed, batch by batch in licence-id order, so that none is missed and a crash resumes where
 * it stopped. Workflow id `replan/<entry id>/v<version>`: one job per catalogue version.
 */
export async function replanCatalogueEntryWorkflow(input: ReplanWorkflowInput): Promise<void> {
  let cursor = input.afterLicenceId;
  for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
    const last = await activities.replanBatch({
      jobId: input.jobId,
      catalogueEntryId: input.catalogueEntryId,
      reminderLeadMonths: input.reminderLeadMonths,
      catalogueVersion: input.catalogueVersion,
      afterLicenceId: cursor,
      batchSize: BATCH_SIZE,
    });
    if (last === undefined) {
      await activities.finishReplan({ jobId: input.jobId });
      return;
    }
    cursor = last;
  }
  await continueAsNew<typeof replanCatalogueEntryWorkflow>({ ...input, afterLicenceId: cursor });
}
