import { isGrpcDeadlineError, type Client } from '@temporalio/client';
import { licenceStatusQuery, type LicenceStatus } from '../workflows/licence-definitions';

/** How long a caller waits for a workflow to answer its status query. */
export const STATUS_QUERY_DEADLINE_MS = 10_000;

/** The workflow did not answer in time: no worker polls, or its run is between two runs. Asking again is safe. */
export class StatusUnanswered extends Error {
  override name = 'StatusUnanswered';
}

/**
 * Asks a licence's workflow for its live status, waiting at most {@link STATUS_QUERY_DEADLINE_MS}:
 * a query no worker answers would otherwise hold its HTTP request open without end.
 *
 * @throws StatusUnanswered when the deadline passes.
 */
export async function askLicenceStatus(temporal: Client, workflowId: string): Promise<LicenceStatus> {
  try {
    return await temporal.withDeadline(Date.now() + STATUS_QUERY_DEADLINE_MS, () => temporal.workflow.getHandle(workflowId).query(licenceStatusQuery));
  } catch (error) {
    if (isGrpcDeadlineError(error)) throw new StatusUnanswered(`the workflow ${workflowId} did not answer within ${STATUS_QUERY_DEADLINE_MS / 1000} s`, { cause: error });
    throw error;
  }
}
