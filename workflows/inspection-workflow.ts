import { proxyActivities } from '@temporalio/workflow';
import type { LicenceActivities } from '../activities';

const activities = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export interface InspectionWorkflowInput {
  bureauCode: string;
}

/**
 * 定期督促检查: inspects a bureau's departments and keeps the findings as a run that supervisors
 * follow up. Started by the bureau's schedule `inspection/<bureau>` (monthly by default); a day's
 * run is kept once, however often the schedule fires that day.
 * @returns the run's id.
 */
export async function inspectionWorkflow(input: InspectionWorkflowInput): Promise<{ runId: string }> {
  // The workflow's clock is the firing instant, the same on every replay.
  return activities.recordScheduledInspection({ bureauCode: input.bureauCode, firedAt: Date.now() });
}
