import { ActivityFailure, ApplicationFailure, proxyLocalActivities, TimeoutFailure } from '@temporalio/workflow';
import type { EngineStepCall, LicenceActivities, OutwardCall, OutwardCallName } from '../../activities';
import { activities, regulatorDelivery } from './activity-proxies';
import type { LicenceLife } from './state';

type OutwardCalls = Pick<LicenceActivities, OutwardCallName | 'callAfterEngineSteps'>;
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
function throughServer(name: OutwardCallName): Pick<LicenceActivities, OutwardCallName> {
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
 * idempotency key, so the receiver sees one delivery whichever way it went. A folded run's first
 * try also carries the engine writes waiting (callAfterEngineSteps), which would otherwise have
 * cost a marker of their own just before it; if the try fails they run on their own first.
 */
export async function callOutward<Name extends OutwardCallName>(life: LicenceLife, name: Name, input: Asked<Name>): Promise<Answer<Name>> {
  return (await callOutwardThenAsk(life, name, input, [])).answer;
}

/**
 * {@link callOutward}, whose first try in a folded run also asks the engine `questions` once the
 * call has answered (the next step's send instant, after a prompt): one marker for the writes
 * waiting, the call and the questions. `asked` holds their answers, or is undefined when the call
 * went another way and the questions are left for the run to ask as it always did.
 */
export async function callOutwardThenAsk<Name extends OutwardCallName>(
  life: LicenceLife,
  name: Name,
  input: Asked<Name>,
  questions: EngineStepCall[],
): Promise<{ answer: Answer<Name>; asked?: unknown[] }> {
  const call = (calls: Pick<LicenceActivities, OutwardCallName>) => (calls[name] as (asked: Asked<Name>) => Promise<Answer<Name>>)(input);
  if (!life.localCalls) return { answer: await call(throughServer(name)) };
  const writes = life.folded ? life.takeEngineWrites() : [];
  try {
    if (writes.length === 0 && questions.length === 0) return { answer: await call(firstTry) };
    const ran = await firstTry.callAfterEngineSteps({ steps: writes, calls: [{ name, input }], ...(questions.length > 0 ? { then: questions } : {}) });
    return { answer: ran.answers[0] as Answer<Name>, ...(questions.length > 0 ? { asked: ran.then } : {}) };
  } catch (error) {
    // Each write is idempotent by its key: run again on their own, they land once whether or not the try got to them.
    await life.runEngineWrites(writes);
    if (!worthRetrying(error)) throw error;
    // A folded run shows its stage before it waits on the server.
    if (life.folded) await life.flushEngineWrites();
    return { answer: await call(throughServer(name)) };
  }
}

/**
 * A folded run's first try of several calls at once, in order, in one local activity that carries
 * the engine writes waiting and, after the calls, the writes `then` that follow from their success.
 * @returns the calls' answers when every call answered. Otherwise undefined: the writes waiting have
 *   run on their own, `then` has not, and the caller makes each call again by {@link callOutward}
 *   under the same keys, so a call that went through the first time is not delivered twice, and a
 *   refusal is handled where it always was.
 */
export async function callAllAtOnce(life: LicenceLife, calls: OutwardCall[], then: EngineStepCall[] = []): Promise<unknown[] | undefined> {
  const writes = life.takeEngineWrites();
  try {
    return (await firstTry.callAfterEngineSteps({ steps: writes, calls, ...(then.length > 0 ? { then } : {}) })).answers;
  } catch {
    await life.runEngineWrites(writes);
    return undefined;
  }
}
