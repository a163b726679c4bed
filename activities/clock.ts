import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';

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
  const info = runningActivity();
  if (!info) return new Date();
  const asked = askedAt.getStore();
  if (info.isLocal && asked !== undefined) return new Date(asked + (info.currentAttemptScheduledTimestampMs - info.scheduledTimestampMs));
  return new Date(info.currentAttemptScheduledTimestampMs);
}

/** The info of the activity this code runs in, or undefined outside one. */
function runningActivity(): Context['info'] | undefined {
  try {
    return Context.current().info;
  } catch {
    return undefined;
  }
}

/** Runs `run` as a local activity asked at the workflow's time `at`, for {@link activityNow}. */
export function atWorkflowTime<T>(at: number, run: () => Promise<T>): Promise<T> {
  return askedAt.run(at, run);
}

const STARTED_PROMPTLY_MS = 60_000;

/**
 * When the Temporal server handed this attempt to a worker, read from the server (the pending
 * activity's last start): later than {@link activityNow} by the time the task waited in its queue,
 * which a rate-limited queue's backlog can make hours. What must hold when the activity acts on
 * the world (a text inside the send window) is checked at this instant. Falls back to
 * {@link activityNow} where the server does not tell it (a local activity, or outside an activity).
 */
export async function attemptStartedAt(temporal: Client): Promise<Date> {
  const info = runningActivity();
  if (!info) return new Date();
  if (info.isLocal || !info.workflowExecution) return activityNow();
  // A worker's clock that reads within a minute after the attempt was scheduled agrees with the
  // server's, and the task did not wait: no need to ask. Otherwise the task waited, or this clock
  // is not the server's (a time-skipping test server's is not).
  const scheduled = info.currentAttemptScheduledTimestampMs;
  const local = Date.now();
  if (local >= scheduled && local - scheduled < STARTED_PROMPTLY_MS) return new Date(local);
  const { pendingActivities } = await temporal.workflowService.describeWorkflowExecution({
    namespace: info.workflowNamespace ?? temporal.options.namespace,
    execution: info.workflowExecution,
  });
  const started = pendingActivities?.find((pending) => pending.activityId === info.activityId)?.lastStartedTime;
  if (!started) return activityNow();
  const at = Number(started.seconds ?? 0) * 1000 + Math.floor((started.nanos ?? 0) / 1e6);
  return new Date(Math.max(at, activityNow().getTime()));
}
