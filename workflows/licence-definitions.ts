import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CalendarDate, LicenceStage } from '../domain';

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
}

/** The kinds of step a licence goes through, in domain words. */
export type LicenceStepKind =
  | 'registered'
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
  | 'task_overdue';

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

/** The catalogue entry's reminder plan changed (lead time, ladder): re-plan from now on. */
export interface ReplanInput {
  reminderLeadMonths: number;
  /** The catalogue entry's version that asked for it, for the history. */
  catalogueVersion: number;
}

/** Sent by the catalogue's re-plan job to every running workflow of the entry; sending it twice is harmless. */
export const replanSignal = defineSignal<[ReplanInput]>('replan');
