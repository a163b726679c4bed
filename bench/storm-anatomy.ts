import { temporal as proto } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { localActivityType } from '../services/licence-history';
import { LOCAL_ACTIVITY_MARKER } from '../workflows/local-steps';
import { median } from './median';

type HistoryEvent = proto.api.history.v1.IHistoryEvent;
const EventType = proto.api.enums.v1.EventType;

/** Where a woken licence's time went, in milliseconds, each the median over the licences sampled. */
export interface StormAnatomy {
  sampled: number;
  /** From the workers polling until the licence's first workflow task started: the backlog ahead of it. */
  waitForFirstTask: number;
  /** Its first workflow task, started to completed: the workflow's code and the local activities in it. */
  firstTask: number;
  /** Licences whose prompt was delivered inside their first workflow task (a local activity), of those sampled. */
  promptInFirstTask: number;
  /** The prompt activity, scheduled to started: the activity queue ahead of it; of licences whose prompt went through the server. */
  promptQueued: number;
  /** The prompt activity, started to completed; of licences whose prompt went through the server. */
  promptRuns: number;
  /** Every workflow task of the licence until its text was sent, scheduled to started, summed. */
  tasksQueuedUntilText: number;
  /** Every workflow task until its text was sent, started to completed, summed. */
  tasksRunUntilText: number;
  /** The text activity, scheduled to started: the SMS queue at its QPS. */
  textQueued: number;
}

const at = (event: HistoryEvent | undefined): number | undefined => {
  const time = event?.eventTime;
  return time ? Number(time.seconds ?? 0) * 1000 + Math.floor(Number(time.nanos ?? 0) / 1e6) : undefined;
};

/** Reads the histories of `workflowIds` after a storm whose workers polled from `pollingSince`. */
export async function stormAnatomy(client: Client, workflowIds: string[], pollingSince: number): Promise<StormAnatomy> {
  type Row = Omit<StormAnatomy, 'sampled' | 'promptInFirstTask' | 'promptQueued' | 'promptRuns'> & { prompt: { queued: number; runs: number } | 'in first task' };
  const rows: Row[] = [];
  for (const workflowId of workflowIds) {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const byId = new Map(events.map((event) => [String(event.eventId), event]));
    /** The scheduled event of a started activity or workflow task. */
    const scheduledOf = (event: HistoryEvent) =>
      byId.get(String(event.activityTaskStartedEventAttributes?.scheduledEventId ?? event.workflowTaskStartedEventAttributes?.scheduledEventId));
    const firstStarted = events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    const firstCompleted = events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const activityStarted = (name: string) =>
      events.find((event) => event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED && scheduledOf(event)?.activityTaskScheduledEventAttributes?.activityType?.name === name);
    const prompt = activityStarted('deliverAutoPrompt');
    const text = activityStarted('sendReminderSms');
    const promptDone = prompt && events.find((event) => event.activityTaskCompletedEventAttributes && String(event.activityTaskCompletedEventAttributes.startedEventId) === String(prompt.eventId));
    const promptMarker = events.find((event) => {
      const marker = event.markerRecordedEventAttributes;
      // A folded run's prompt carries the writes before it; it is the only call beyond the engine a storm's first task makes.
      return marker?.markerName === LOCAL_ACTIVITY_MARKER && ['deliverAutoPrompt', 'callAfterEngineSteps'].includes(localActivityType(marker));
    });
    // A first task's commands follow its completed event, before the next task is scheduled.
    const secondScheduled = events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED && Number(event.eventId) > Number(firstCompleted?.eventId ?? 0));
    const promptInFirstTask = promptMarker !== undefined && Number(promptMarker.eventId) < Number(secondScheduled?.eventId ?? Infinity);
    if (!firstStarted || !firstCompleted || !text || (!promptInFirstTask && (!prompt || !promptDone))) continue;
    let queued = 0;
    let run = 0;
    for (const event of events) {
      if (Number(event.eventId) > Number(text.eventId)) break;
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) queued += at(event)! - at(scheduledOf(event))!;
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) run += at(event)! - at(byId.get(String(event.workflowTaskCompletedEventAttributes?.startedEventId)))!;
    }
    rows.push({
      waitForFirstTask: at(firstStarted)! - pollingSince,
      firstTask: at(firstCompleted)! - at(firstStarted)!,
      prompt: prompt && promptDone ? { queued: at(prompt)! - at(scheduledOf(prompt))!, runs: at(promptDone)! - at(prompt)! } : 'in first task',
      tasksQueuedUntilText: queued - Math.max(0, at(firstStarted)! - at(scheduledOf(firstStarted))!),
      tasksRunUntilText: run,
      textQueued: at(text)! - at(scheduledOf(text))!,
    });
  }
  const of = (key: Exclude<keyof Row, 'prompt'>) => median(rows.map((row) => row[key]));
  const throughServer = rows.flatMap((row) => (row.prompt === 'in first task' ? [] : [row.prompt]));
  return {
    sampled: rows.length,
    promptInFirstTask: rows.length - throughServer.length,
    promptQueued: median(throughServer.map((prompt) => prompt.queued)),
    promptRuns: median(throughServer.map((prompt) => prompt.runs)),
    waitForFirstTask: of('waitForFirstTask'),
    firstTask: of('firstTask'),
    tasksQueuedUntilText: of('tasksQueuedUntilText'),
    tasksRunUntilText: of('tasksRunUntilText'),
    textQueued: of('textQueued'),
  };
}
