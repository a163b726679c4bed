/**
 * The header that carries the workflow's own clock to a local activity. A local activity runs in
 * the worker right away, and the worker stamps it with its own clock; an activity through the
 * server is stamped with the server's. Both are the same instant in production, but not on a
 * time-skipping test server, where the workflow's clock runs ahead of the worker's.
 */
export const WORKFLOW_TIME_HEADER = 'licence-workflow-time';
