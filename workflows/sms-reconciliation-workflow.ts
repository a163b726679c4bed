import { proxyActivities } from '@temporalio/workflow';
import type { LicenceActivities } from '../activities';

const activities = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Learns from the SMS provider's records what became of the texts whose delivery receipt never
 * came (a push lost on the way, the engine down when it came). Started hourly by the schedule
 * `sms-reconciliation`.
 */
export async function smsReconciliationWorkflow(): Promise<{ lookedUp: number; reconciled: number }> {
  // The firing instant, the same on every replay.
  return activities.reconcileUnknownTexts({ asOf: Date.now() });
}
