import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { WORKFLOW_TIME_HEADER } from '../workflows/workflow-time';

/** The workflow's time when it asked for the local activity now running. */
const askedAt = new AsyncLocalStorage<number>();

/**
 * The instant to record for what an activity does: when the Temporal server scheduled this
 * attempt, or, for a local activity, the workflow's time when it asked plus the time its retries
 * took. Records then line up with the workflow's own timers, which run on the server's clock (a
 * time-skipping test server included); in production it is within moments of the wall clock.
 * Outside an activity (scripts, the API) it is the wall clock.
 */
export function activityNow(): Date {
  let info: Context['info'];
  try {
    info = Context.current().info;
  } catch {
    return new Date();
  }
  const asked = askedAt.getStore();
  if (info.isLocal && asked !== undefined) return new Date(asked + (info.currentAttemptScheduledTimestampMs - info.scheduledTimestampMs));
  return new Date(info.currentAttemptScheduledTimestampMs);
}

/** Reads the workflow's time a local activity was asked at (workflows/interceptors.ts) for {@link activityNow}. */
export const workflowTimeInterceptor: ActivityInterceptorsFactory = () => ({
  inbound: {
    execute(input, next) {
      const header = input.headers[WORKFLOW_TIME_HEADER];
      if (!header) return next(input);
      return askedAt.run(defaultPayloadConverter.fromPayload<number>(header), () => next(input));
    },
  },
});
