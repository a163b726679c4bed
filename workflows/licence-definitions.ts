import { defineQuery } from '@temporalio/workflow';
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

/** A step the workflow has taken, in domain words. */
export interface LicenceStep {
  kind: 'registered' | 'reminder_window_opened' | 'expired';
  /** ISO-8601 instant (UTC). */
  at: string;
}

/** The live state of a licence workflow, answered by {@link licenceStatusQuery}. */
export interface LicenceStatus {
  stage: LicenceStage;
  /** ISO-8601 instant (UTC) at which reminders start. */
  reminderWindowOpensAt: string;
  /** What the workflow will do next and when, or `null` when it is finished. */
  nextAction: { kind: 'open_reminder_window' | 'record_expiry'; dueAt: string } | null;
  steps: LicenceStep[];
}

export const licenceStatusQuery = defineQuery<LicenceStatus>('licenceStatus');
