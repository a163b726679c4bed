import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';

/** One entry of a licence's history, in domain words. */
export interface HistoryEntry {
  at: string;
  what: string;
  detail?: string;
}

// Activity types and their meaning for a supervisor; activities not listed are bookkeeping.
const ACTIVITY_WORDS: Record<string, string> = {
  deliverAutoPrompt: 'business-system prompt delivered',
  sendReminderSms: 'SMS sent',
  openHumanTask: 'task created for a specialist',
  recordTaskOutcome: 'task completed',
  prepareLetter: 'reminder letter prepared',
  raiseAlert: 'supervisor alerted',
  pushDecisionToRegulator: 'decision delivered to a regulator',
  registerRenewedLicence: 'renewed licence registered',
  cancelOpenTasks: 'open tasks withdrawn',
};

const UPDATE_WORDS: Record<string, string> = {
  renewalApplication: 'renewal application received',
  renewalDecision: 'renewal decision received',
  revocation: 'licence revoked',
  correctExpiry: 'expiry date corrected',
};

/**
 * Reads a licence workflow's event history and tells it in domain words: when each timer woke
 * it, each channel delivered, each update arrived. Built from Temporal's history, not the read
 * model, so that supervisors see what actually ran.
 */
export async function licenceHistory(temporal: Client, workflowId: string): Promise<HistoryEntry[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, string>();
  const entries: HistoryEntry[] = [];
  for (const event of history.events ?? []) {
    const at = new Date(tsToMs(event.eventTime)).toISOString();
    if (event.workflowExecutionStartedEventAttributes) entries.push({ at, what: 'licence registered, workflow started' });
    else if (event.timerFiredEventAttributes) entries.push({ at, what: 'timer fired' });
    else if (event.activityTaskScheduledEventAttributes) {
      scheduled.set(String(event.eventId), event.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    } else if (event.activityTaskCompletedEventAttributes) {
      const type = scheduled.get(String(event.activityTaskCompletedEventAttributes.scheduledEventId)) ?? '';
      if (ACTIVITY_WORDS[type]) entries.push({ at, what: ACTIVITY_WORDS[type]! });
    } else if (event.activityTaskFailedEventAttributes) {
      const type = scheduled.get(String(event.activityTaskFailedEventAttributes.scheduledEventId)) ?? '';
      entries.push({ at, what: `${ACTIVITY_WORDS[type] ?? type} failed`, detail: event.activityTaskFailedEventAttributes.failure?.message ?? undefined });
    } else if (event.workflowExecutionUpdateAcceptedEventAttributes) {
      const name = event.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input?.name ?? '';
      entries.push({ at, what: UPDATE_WORDS[name] ?? name });
    } else if (event.workflowExecutionSignaledEventAttributes) {
      const name = event.workflowExecutionSignaledEventAttributes.signalName ?? '';
      entries.push({ at, what: name === 'taskCompleted' ? 'specialist completed a task' : name === 'contactChanged' ? 'contact changed' : name });
    } else if (event.workflowExecutionCompletedEventAttributes) entries.push({ at, what: 'lifecycle finished' });
    else if (event.workflowExecutionTerminatedEventAttributes) {
      entries.push({ at, what: 'workflow terminated by an operator', detail: event.workflowExecutionTerminatedEventAttributes.reason ?? undefined });
    }
  }
  return entries;
}
