import { Context } from '@temporalio/activity';

/**
 * The instant to record for what an activity does: when the Temporal server scheduled this
 * attempt. Records then line up with the workflow's own timers, which run on the server's clock
 * (a time-skipping test server included); in production it is within moments of the wall clock.
 * Outside an activity (scripts, the API) it is the wall clock.
 */
export function activityNow(): Date {
  try {
    return new Date(Context.current().info.currentAttemptScheduledTimestampMs);
  } catch {
    return new Date();
  }
}
