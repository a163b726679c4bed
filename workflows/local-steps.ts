/**
 * The header that carries the workflow's own clock to a local activity. A local activity runs in
 * the worker right away, and the worker stamps it with its own clock; an activity through the
 * server is stamped with the server's. Both are the same instant in production, but not on a
 * time-skipping test server, where the workflow's clock runs ahead of the worker's.
 */
export const WORKFLOW_TIME_HEADER = 'licence-workflow-time';

/**
 * What a local activity's marker records: what it was asked and what it answered. An activity's
 * scheduled and completed events hold both, a marker only the answer; with both, a licence's
 * history is told from Temporal's history alone (services/licence-history.ts).
 */
export interface LocalStepRecord {
  asked: unknown;
  answer: unknown;
}

/** The marker Temporal records for a local activity. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
