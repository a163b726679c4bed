import { ActivityFailure, ApplicationFailure, proxyLocalActivities, TimeoutFailure } from '@temporalio/workflow';
import type { LicenceActivities } from '../../activities';
import { activities, regulatorDelivery } from './activity-proxies';
import type { LicenceLife } from './state';

/** The calls a licence makes beyond the engine, other than a text: the approval system, the regulators, other licences. */
export type OutwardCallName = 'deliverAutoPrompt' | 'pushDecisionToRegulator' | 'registerRenewedLicence' | 'moveDependants' | 'endDependants';
type OutwardCalls = Pick<LicenceActivities, OutwardCallName>;
type Asked<Name extends OutwardCallName> = Parameters<OutwardCalls[Name]>[0];
type Answer<Name extends OutwardCallName> = Awaited<ReturnType<OutwardCalls[Name]>>;

/**
 * A first try inside the workflow task that asks: a few attempts a second or two apart, which is
 * all a call to a system that is up needs. A local activity's retries beyond a minute would each
 * cost the history a timer and a workflow task, so a longer outage is left to the server.
 */
const firstTry = proxyLocalActivities<OutwardCalls>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});

/** Through the server, with the retries each call always had: a regulator's an hour apart, without end. */
function throughServer(name: OutwardCallName): OutwardCalls {
  return name === 'pushDecisionToRegulator' ? regulatorDelivery : activities;
}

/** A failure the server's retries could still turn into an answer: not a refusal, not a cancellation. */
function worthRetrying(error: unknown): boolean {
  // A local activity's failure may arrive as it was thrown, not wrapped in an ActivityFailure.
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof TimeoutFailure || (cause instanceof ApplicationFailure && !cause.nonRetryable);
}

/**
 * Calls beyond the engine. A run with local calls (LOCAL_CALLS_PATCH) tries each first as a local
 * activity: one marker in the history where an activity costs three events and a workflow task of
 * its own. Only a call still failing after its first try goes through the server, under the same
 * idempotency key, so the receiver sees one delivery whichever way it went.
 */
export async function callOutward<Name extends OutwardCallName>(life: LicenceLife, name: Name, input: Asked<Name>): Promise<Answer<Name>> {
  const call = (calls: OutwardCalls) => (calls[name] as (asked: Asked<Name>) => Promise<Answer<Name>>)(input);
  if (!life.localCalls) return call(throughServer(name));
  try {
    return await call(firstTry);
  } catch (error) {
    if (!worthRetrying(error)) throw error;
    return call(throughServer(name));
  }
}
