import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import type { temporal as proto } from '@temporalio/proto';
import { LOCAL_ACTIVITY_MARKER } from '../workflows/local-steps';

type History = proto.api.history.v1.IHistory;

/** One entry of a licence's history, in domain words. */
export interface HistoryEntry {
  at: string;
  what: string;
  detail?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- activity inputs differ per type; each reader picks its fields
type Input = Record<string, any>;

const STEP_WORDS: Record<string, string> = {
  reminder_window_opened: 'reminder window opened',
  renewal_applied: 'renewal application recorded; reminders paused',
  expired: 'licence expired',
  lapsed: 'grace period over: closed as lapsed',
  renewed: 'closed as renewed',
  revoked: 'closed as revoked',
};

const NOTICE_WORDS: Record<string, string> = { rejected: 'rejection', withdrawn: 'withdrawal', revoked: 'revocation', lapsed: 'lapse' };

const TASK_WORDS: Record<string, string> = { phone_call: 'phone-call task opened', send_letter: 'letter-sending task opened' };
const OUTCOME_WORDS: Record<string, string> = { phone_call: 'phone call made', letter: 'letter sent' };

type Told = Omit<HistoryEntry, 'at'>;

// What a completed activity meant, from its input and its result (several entries for a call that
// did several things); activities not listed are bookkeeping.
const ACTIVITY_WORDS: Record<string, (input: Input, result: Input) => Told | Told[] | undefined> = {
  recordLicenceStep: (input) => (STEP_WORDS[input.kind] ? { what: STEP_WORDS[input.kind]! } : undefined),
  deliverAutoPrompt: () => ({ what: 'business-system prompt delivered' }),
  // The ledger's outcome: a flagged contact, a landline or a refusal sends nothing.
  sendReminderSms: (_input, result) =>
    result.outcome === 'sent'
      ? { what: 'SMS reminder sent' }
      : result.outcome === 'outside_send_window'
        ? { what: "SMS reminder held for the bureau's send window", detail: `until ${result.sendAt}` }
        : { what: 'SMS reminder not sent', detail: result.outcome },
  // Every outcome but `sent` is followed by the step's text.
  sendReminderWechat: (_input, result) =>
    result.outcome === 'sent'
      ? { what: 'WeChat reminder sent' }
      : result.outcome === 'unconfirmed'
        ? { what: 'WeChat reminder unconfirmed: texted as well' }
        : { what: 'WeChat reminder not sent: texted instead', detail: result.outcome },
  prepareLetter: () => ({ what: 'reminder letter (函告) written' }),
  openHumanTask: (input) => ({ what: TASK_WORDS[input.kind] ?? 'task opened', detail: `attempt ${input.attempt}, due ${input.dueAt}` }),
  // Opened with its deadline counted, or held because the send window was shut (then a later step opens it).
  openHumanTaskDueIn: (input, result) => (result.taskId ? { what: TASK_WORDS[input.kind] ?? 'task opened', detail: `attempt ${input.attempt}, due ${result.dueAt}` } : undefined),
  recordTaskOutcome: (input) => ({ what: OUTCOME_WORDS[input.channel] ?? 'task done', detail: `${input.outcome}, by ${input.completedBy}` }),
  cancelOpenTasks: (input) => ({ what: 'open tasks withdrawn', detail: input.reason }),
  escalateOverdueTask: () => ({ what: 'task overdue: escalated to the supervisors' }),
  recordExpiry: () => ({ what: 'expired without renewal: ledger row written, supervisor alerted' }),
  pushDecisionToRegulator: (input) => ({ what: `${NOTICE_WORDS[input.decision?.decision] ?? 'decision'} delivered to a regulator`, detail: input.regulatorId }),
  pushDecisionToEveryRegulator: (input, result) =>
    (Array.isArray(result) ? result : []).map((regulator: { id: string }) => ({ what: `${NOTICE_WORDS[input.decision?.decision] ?? 'decision'} delivered to a regulator`, detail: regulator.id })),
  registerRenewedLicence: (input) => ({ what: 'new licence registered', detail: input.newLicence?.licenceNumber }),
  beginNextTerm: (input) => ({ what: 'renewed under the same number: next term recorded', detail: `term ${input.term}, valid until ${input.newLicence?.expiresOn}` }),
  raiseRefusal: (input) => ({ what: 'step refused: the department is asked to fix it', detail: `${input.step}: ${input.refusal?.message}` }),
  recordClosure: (input) => ({ what: 'closure reason recorded', detail: input.reason }),
};

// What an accepted update meant, from its argument.
const UPDATE_WORDS: Record<string, (input: Input) => Omit<HistoryEntry, 'at'>> = {
  renewalApplication: (input) => ({ what: 'renewal application received', detail: input.applicationNumber }),
  renewalDecision: (input) => ({
    what: `renewal ${input.decision}`,
    detail: input.newLicence ? `new licence ${input.newLicence.licenceNumber}, valid until ${input.newLicence.expiresOn}` : undefined,
  }),
  revocation: (input) => ({ what: 'revoked or cancelled', detail: input.reason }),
  correctExpiry: (input) => ({ what: 'expiry date corrected', detail: input.expiresOn }),
};

/** The entries an activity's words make at an instant: none, one, or one per thing it did. */
function toldAt(at: string, words: Told | Told[] | undefined | false | ''): HistoryEntry[] {
  if (!words) return [];
  return (Array.isArray(words) ? words : [words]).map((told) => ({ at, ...told }));
}

type PayloadList = { payloads?: Payload[] | null } | null | undefined;

/** Reads the first argument of a payload list through the client's codecs (payloads are encrypted). */
async function firstArgument(temporal: Client, payloads: PayloadList): Promise<Input> {
  const payload = payloads?.payloads?.[0];
  if (!payload) return {};
  const { payloadCodecs, payloadConverter } = temporal.options.loadedDataConverter;
  try {
    let decoded = [payload];
    for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
    return (payloadConverter.fromPayload(decoded[0]!) as Input) ?? {};
  } catch {
    return {};
  }
}

/** How many terms back a licence's history is told; a licence renewed yearly for half a century fits. */
const TERMS_TOLD = 50;

/**
 * Reads a licence workflow's event history and tells it in domain words: each channel that
 * delivered, each task and its outcome, each update that arrived. Built from Temporal's history,
 * not the read model, so that supervisors see what actually ran. Each term after the first is a
 * run continued from the one before: the runs are followed back to the licence's registration.
 */
export async function licenceHistory(temporal: Client, workflowId: string): Promise<HistoryEntry[]> {
  const runs: History[] = [];
  let runId: string | undefined;
  do {
    const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  } while (runId && runs.length < TERMS_TOLD);
  const entries: HistoryEntry[] = [];
  for (const history of runs) entries.push(...(await runInWords(temporal, history)));
  return entries;
}

/** The activity type a local activity's marker names, in the marker's own (unencoded) JSON. */
export function localActivityType(marker: proto.api.history.v1.IMarkerRecordedEventAttributes): string {
  const data = marker.details?.data?.payloads?.[0]?.data;
  try {
    return data ? String(JSON.parse(Buffer.from(data).toString('utf8')).activity_type ?? '') : '';
  } catch {
    return '';
  }
}

async function runInWords(temporal: Client, history: History): Promise<HistoryEntry[]> {
  const scheduled = new Map<string, { type: string; input: Input }>();
  const entries: HistoryEntry[] = [];
  for (const event of history.events ?? []) {
    const at = new Date(tsToMs(event.eventTime)).toISOString();
    if (event.workflowExecutionStartedEventAttributes) {
      const started = event.workflowExecutionStartedEventAttributes;
      const carried = started.continuedExecutionRunId ? (await firstArgument(temporal, started.input)).carried : undefined;
      if (carried) entries.push({ at, what: 'history continued in a fresh run, the term where it stood', detail: `after ${carried.historyLength} events` });
      else entries.push({ at, what: started.continuedExecutionRunId ? 'next term started, lifecycle continued' : 'licence registered, lifecycle started' });
    }
    else if (event.activityTaskScheduledEventAttributes) {
      const attributes = event.activityTaskScheduledEventAttributes;
      scheduled.set(String(event.eventId), { type: attributes.activityType?.name ?? '', input: await firstArgument(temporal, attributes.input) });
    } else if (event.activityTaskCompletedEventAttributes) {
      const completed = event.activityTaskCompletedEventAttributes;
      const activity = scheduled.get(String(completed.scheduledEventId));
      const tell = activity && ACTIVITY_WORDS[activity.type];
      const words = tell && tell(activity.input, await firstArgument(temporal, completed.result));
      entries.push(...toldAt(at, words));
    } else if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER && !event.markerRecordedEventAttributes.failure) {
      // A local activity: its marker records what it was asked and what it answered (workflows/local-steps.ts).
      const marker = event.markerRecordedEventAttributes;
      const type = localActivityType(marker);
      if (type === 'runEngineSteps' || type === 'callAfterEngineSteps') {
        // Several engine steps in one marker (workflows/licence/engine-batch.ts), perhaps carried by
        // calls beyond the engine (workflows/licence/outward-calls.ts): told one by one, in the order they ran.
        const record = await firstArgument(temporal, marker.details?.result);
        const steps: Array<{ step: string; input: Input }> = record?.asked?.steps ?? [];
        const answers: Input[] = type === 'runEngineSteps' ? (record?.answer ?? []) : [];
        steps.forEach(({ step, input }, index) => {
          const words = ACTIVITY_WORDS[step]?.(input, answers[index] ?? {});
          entries.push(...toldAt(at, words));
        });
        const calls: Array<{ name: string; input: Input }> = record?.asked?.calls ?? [];
        calls.forEach(({ name, input }, index) => {
          const words = ACTIVITY_WORDS[name]?.(input, record?.answer?.answers?.[index] ?? {});
          entries.push(...toldAt(at, words));
        });
        const then: Array<{ step: string; input: Input }> = record?.asked?.then ?? [];
        then.forEach(({ step, input }, index) => {
          const words = ACTIVITY_WORDS[step]?.(input, record?.answer?.then?.[index] ?? {});
          entries.push(...toldAt(at, words));
        });
        continue;
      }
      const tell = ACTIVITY_WORDS[type];
      const record = tell && (await firstArgument(temporal, marker.details?.result));
      const words = tell && tell(record?.asked ?? {}, record?.answer ?? {});
      entries.push(...toldAt(at, words));
    } else if (event.activityTaskFailedEventAttributes) {
      const activity = scheduled.get(String(event.activityTaskFailedEventAttributes.scheduledEventId));
      entries.push({ at, what: `${activity?.type ?? 'step'} failed`, detail: event.activityTaskFailedEventAttributes.failure?.message ?? undefined });
    } else if (event.workflowExecutionUpdateAcceptedEventAttributes) {
      const request = event.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input;
      const words = UPDATE_WORDS[request?.name ?? '']?.(await firstArgument(temporal, request?.args));
      entries.push({ at, ...(words ?? { what: request?.name ?? 'update' }) });
    } else if (event.workflowExecutionSignaledEventAttributes) {
      const attributes = event.workflowExecutionSignaledEventAttributes;
      if (attributes.signalName === 'contactChanged') entries.push({ at, what: 'contact changed' });
      else if (attributes.signalName === 'taskCompleted') {
        const completion = await firstArgument(temporal, attributes.input);
        entries.push({ at, what: 'specialist reported a task done', detail: `${completion.outcome}, by ${completion.completedBy}` });
      } else if (attributes.signalName === 'smsReceipt') {
        const receipt = await firstArgument(temporal, attributes.input);
        entries.push({ at, what: 'SMS delivery receipt', detail: `${receipt.status}, ${receipt.reportCode}` });
      } else if (attributes.signalName === 'holderReply') {
        const reply = await firstArgument(temporal, attributes.input);
        entries.push({ at, what: 'holder replied by SMS', detail: `${reply.intent}: ${reply.text}` });
      } else entries.push({ at, what: attributes.signalName ?? 'signal' });
    } else if (event.workflowExecutionCompletedEventAttributes) entries.push({ at, what: 'lifecycle finished' });
    else if (event.workflowExecutionContinuedAsNewEventAttributes) {
      // A run continued for its history's length is told by the next run's start.
      const next = await firstArgument(temporal, event.workflowExecutionContinuedAsNewEventAttributes.input);
      if (!next.carried) entries.push({ at, what: 'term closed as renewed; the licence continues' });
    }
    else if (event.workflowExecutionTerminatedEventAttributes) {
      entries.push({ at, what: 'workflow terminated by an operator', detail: event.workflowExecutionTerminatedEventAttributes.reason ?? undefined });
    }
  }
  return entries;
}
