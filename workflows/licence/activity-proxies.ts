import { proxyActivities, proxyLocalActivities, workflowInfo, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { EngineStepName, LicenceActivities } from '../../activities';
import { smsTaskQueue } from '../licence-definitions';

const UNTIL_IT_WORKS = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' } as const;

/** Every step but a regulator push: the read model or a channel may be down for a while; keep trying rather than lose a step. */
export const activities = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: UNTIL_IT_WORKS,
});

/** Regulators may be unreachable for days: retry with backoff up to an hour apart, without end. */
export const regulatorDelivery = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 minute', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

/** The steps that read or write the engine's own database and nothing else (activities/engine-steps.ts). */
export type EngineSteps = Pick<LicenceActivities, EngineStepName>;

/**
 * The engine's steps as local activities: the worker runs them inside the workflow task that asks
 * for them, so a run of them costs one marker event each and no round trip through the server,
 * where an activity costs three events and a workflow task of its own. Retried the same way.
 */
type LocalEngineSteps = EngineSteps & Pick<LicenceActivities, 'runEngineSteps'>;

export const localEngineSteps: ActivityInterfaceFor<LocalEngineSteps> = proxyLocalActivities<LocalEngineSteps>({
  startToCloseTimeout: '30 seconds',
  retry: UNTIL_IT_WORKS,
});

/** The SMS step's activity on the queue Temporal paces at the account's QPS, retried as every step. */
export function smsSending(): ActivityInterfaceFor<Pick<LicenceActivities, 'sendReminderSms'>> {
  return proxyActivities<Pick<LicenceActivities, 'sendReminderSms'>>({
    taskQueue: smsTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '30 seconds',
    retry: UNTIL_IT_WORKS,
  });
}
