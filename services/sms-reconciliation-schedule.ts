import type { Client } from '@temporalio/client';
import { smsReconciliationWorkflow } from '../workflows/sms-reconciliation-workflow';
import { ensureBureauSchedule } from './bureau-schedules';

export const SMS_RECONCILIATION_SCHEDULE_ID = 'sms-reconciliation';
// Hourly, off the hour: receipts that were coming have come, and the providers are not busy with the top of the hour.
const HOURLY = '37 * * * *';

/** Creates the deployment's schedule that reconciles texts without a receipt, or leaves it as it is. */
export function ensureSmsReconciliationSchedule(temporal: Client, taskQueue: string): Promise<boolean> {
  return ensureBureauSchedule(temporal, taskQueue, {
    scheduleId: SMS_RECONCILIATION_SCHEDULE_ID,
    cron: HOURLY,
    timeZone: 'Asia/Shanghai',
    workflowType: smsReconciliationWorkflow,
    args: [],
  });
}
