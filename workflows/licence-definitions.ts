import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CalendarDate, LicenceStage, ReplyIntent } from '../domain';

/** What a licence workflow is started with. Personal data stays out: activities read it from the database. */
export interface LicenceWorkflowInput {
  /** The read model's id of the licence. */
  licenceId: string;
  bureau: string;
  licenceNumber: string;
  /** The catalogue entry's code. */
  licenceType: string;
  department: string;
  /** Last valid day, `YYYY-MM-DD` on the bureau's calendar. */
  expiresOn: CalendarDate;
  reminderLeadMonths: number;
  /** The bureau's IANA zone, in which every calendar computation is made. */
  timeZone: string;
  /**
   * Which term of the licence this run carries: absent for the first, one more for each renewal
   * approved under the same number (延续), which continues the workflow as new into the next term.
   */
  term?: number;
  /**
   * Where the term stood when its run continued as new to keep its history short: the next run
   * goes on from there. Absent when a run starts a term.
   */
  carried?: CarriedLife;
}

/** What a run hands on to the next when its history grew long, mid-term. */
export interface CarriedLife {
  stage: LicenceStage;
  windowRecorded: boolean;
  expiryRecorded: boolean;
  ladder: { index: number; notBefore: number; callAttempt: number; done: boolean; cycle: number };
  renewalConfirmed: boolean;
  expiries?: number;
  /** A corrected expiry moved the opened window out while the ladder was paused (absent before it existed). */
  windowMovedOut?: boolean;
  application?: RenewalApplicationInput;
  applicationRecorded: boolean;
  /** Task completions not yet taken up: a task is awaited again under its key after the run continues. */
  completions: TaskCompletion[];
  /** Holder replies the ladder has not answered yet (absent before replies existed). */
  replies?: HolderReply[];
  /** Keys of the replies already heard, so that a repeat after continuing changes nothing. */
  replyKeys?: string[];
  /** The latest steps of the status, so that the live status still tells the recent past. */
  steps: LicenceStep[];
  /** The history length at which the run continued, for the history's words. */
  historyLength: number;
}

/** The kinds of step a licence goes through, in domain words. */
export type LicenceStepKind =
  | 'registered'
  | 'term_started'
  | 'reminder_window_opened'
  | 'auto_prompt_delivered'
  | 'sms_sent'
  | 'sms_receipt'
  | 'call_task_created'
  | 'call_completed'
  | 'letter_task_created'
  | 'letter_sent'
  | 'renewal_applied'
  | 'renewal_approved'
  | 'renewal_rejected'
  | 'renewal_withdrawn'
  | 'decision_pushed'
  | 'renewed'
  | 'expired'
  | 'lapsed'
  | 'replanned'
  | 'guidance_requested'
  | 'revoked'
  | 'expiry_corrected'
  | 'contact_changed'
  | 'task_overdue'
  | 'step_refused'
  | 'renewal_checked'
  | 'history_continued'
  | 'holder_replied'
  | 'sms_deferred'
  | 'wechat_sent';

/** A step the workflow has taken. */
export interface LicenceStep {
  kind: LicenceStepKind;
  /** ISO-8601 instant (UTC). */
  at: string;
  /** Short domain detail: the channel's outcome, the regulator, the reason. */
  detail?: string;
}

export type NextActionKind =
  | 'open_reminder_window'
  | 'auto_prompt'
  | 'sms'
  | 'wechat'
  | 'phone_call'
  | 'letter'
  | 'await_task'
  | 'await_decision'
  | 'record_expiry'
  | 'close_as_lapsed'
  | 'push_decision';

/** The live state of a licence workflow, answered by {@link licenceStatusQuery}. */
export interface LicenceStatus {
  stage: LicenceStage;
  expiresOn: CalendarDate;
  /** ISO-8601 instant (UTC) at which reminders start. */
  reminderWindowOpensAt: string;
  /** What the workflow will do next and when, or `null` when it is finished. */
  nextAction: { kind: NextActionKind; dueAt: string | null; taskId?: string } | null;
  steps: LicenceStep[];
}

export interface RenewalApplicationInput {
  applicationNumber: string;
  appliedOn: CalendarDate;
}

export interface NewLicenceDetails {
  licenceNumber: string;
  issuedOn: CalendarDate;
  expiresOn: CalendarDate;
}

export type RenewalDecisionInput =
  | { decision: 'approved'; decidedOn: CalendarDate; newLicence: NewLicenceDetails }
  | { decision: 'rejected' | 'withdrawn'; decidedOn: CalendarDate };

/**
 * What a licence's regulators (its competent and supervising departments, 审管协同) are told: a
 * renewal decision of any kind, or the licence's end by revocation or lapse (事中事后监管).
 */
export type RegulatorNotice =
  | RenewalDecisionInput
  | { decision: 'revoked'; revokedOn: CalendarDate; reason: string }
  | { decision: 'lapsed'; lapsedOn: CalendarDate };

export interface RevocationInput {
  reason: string;
  revokedOn: CalendarDate;
}

export interface TaskCompletion {
  taskId: string;
  outcome: string;
  note?: string;
  completedBy: string;
}

export const licenceStatusQuery = defineQuery<LicenceStatus>('licenceStatus');

/** A renewal application was received: pauses the ladder. Rejected for a closed licence. */
export const renewalApplicationUpdate = defineUpdate<{ stage: LicenceStage }, [RenewalApplicationInput]>('renewalApplication');
/** The decision on the pending application. Rejected when no application is pending. */
export const renewalDecisionUpdate = defineUpdate<{ stage: LicenceStage }, [RenewalDecisionInput]>('renewalDecision');
/** 注销、吊销: ends the workflow at any stage. */
export const revocationUpdate = defineUpdate<{ stage: LicenceStage }, [RevocationInput]>('revocation');
/** A corrected expiry date: moves every timer. Answers with the new window date. */
export const correctExpiryUpdate = defineUpdate<{ reminderWindowOpensOn: CalendarDate }, [{ expiresOn: CalendarDate }]>('correctExpiry');
/** The contact changed in the read model; later steps use the new one. */
export const contactChangedSignal = defineSignal('contactChanged');
/** A specialist completed a human task. */
export const taskCompletedSignal = defineSignal<[TaskCompletion]>('taskCompleted');

/** What the carrier reported for an SMS, through the provider's delivery receipt. */
export type SmsDeliveryStatus = 'delivered' | 'undeliverable';

export interface SmsReceipt {
  /** The provider's id of the message (Aliyun BizId, Tencent SerialNo). */
  messageId: string;
  /** The ladder step's key, sent to the provider as OutId / SessionContext. */
  outId: string;
  status: SmsDeliveryStatus;
  /** The provider's report code (DELIVERED, DELIVRD, or the failure code). */
  reportCode: string;
}

/** A delivery receipt for one of the licence's SMS arrived; receipts after the first are not sent. */
export const smsReceiptSignal = defineSignal<[SmsReceipt]>('smsReceipt');

/** A holder answered a reminder text; sent once per reply and licence, whatever the provider repeats. */
export interface HolderReply {
  /** The reply's own key (provider and its id), so that a repeat changes nothing. */
  replyKey: string;
  intent: ReplyIntent;
  /** The reply's words, for the licence's history. */
  text: string;
  /** ISO-8601 instant the holder sent it. */
  sentAt: string;
}

/** A holder's SMS reply: renewed and wrong number move the ladder; the others are tasks opened by the API. */
export const holderReplySignal = defineSignal<[HolderReply]>('holderReply');

/** The catalogue entry's reminder plan changed (lead time, ladder): re-plan from now on. */
export interface ReplanInput {
  reminderLeadMonths: number;
  /** The catalogue entry's version that asked for it, for the history. */
  catalogueVersion: number;
}

/** Sent by the catalogue's re-plan job to every running workflow of the entry; sending it twice is harmless. */
export const replanSignal = defineSignal<[ReplanInput]>('replan');

/** The type of the failure an activity ends with when the application refused its step: retrying would be refused the same way. */
export const REFUSAL_FAILURE_TYPE = 'Refusal';

/** What a refused step tells the workflow, so that it can ask a person to fix it. */
export interface RefusalDetails {
  code: string;
  message: string;
  fields: Array<{ path: string; message: string }>;
}

/**
 * The task queue the SMS step's activity runs on, beside the licence's own. The provider's QPS is
 * the account's, whatever the number of worker processes: every worker polls this queue with
 * `maxTaskQueueActivitiesPerSecond` set to it, and Temporal's matching service hands its tasks out
 * at that rate to all of them together, holding a backlog on the server.
 */
export function smsTaskQueue(taskQueue: string): string {
  return `${taskQueue}-sms`;
}
