import { proxyActivities } from '@temporalio/workflow';
import type { LicenceActivities } from '../activities';

const activities = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '2 minutes',
  // The portal may be down for hours; the notice waits for it rather than being dropped.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export interface BatchNoticeWorkflowInput {
  bureauCode: string;
}

/**
 * 集中提醒: compiles a bureau's batch notice of licences whose reminder window is open and publishes
 * it to the portal / WeChat official account. Started by the bureau's schedule
 * `batch-notice/<bureau>` (weekly by default); the notice of a day is compiled and published once,
 * however many times the schedule or a supervisor runs it that day.
 * @returns how many licences the notice lists.
 */
export async function batchNoticeWorkflow(input: BatchNoticeWorkflowInput): Promise<{ noticeId: string; entries: number }> {
  // The workflow's clock is the firing instant, the same on every replay.
  const notice = await activities.compileBatchNotice({ bureauCode: input.bureauCode, issuedAt: Date.now() });
  await activities.publishBatchNotice({ noticeId: notice.noticeId });
  return notice;
}
