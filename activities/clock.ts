import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';

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

/** Runs `run` as a local activity asked at the workflow's time `at`, for {@link activityNow}. */
export function atWorkflowTime<T>(at: number, run: () => Promise<T>): Promise<T> {
  return askedAt.run(at, run);
}
