/**
 * Where a licence stands in its reminder lifecycle. The workflow owns the stage; the read model
 * mirrors it.
 */
export const LICENCE_STAGES = [
  'awaiting_window',
  'window_open',
  'renewal_pending',
  'renewal_approved',
  'expired',
  'renewed',
  'lapsed',
  'revoked',
] as const;
export type LicenceStage = (typeof LICENCE_STAGES)[number];

/**
 * The workflow id of a licence. One workflow per (bureau, licence number) is what makes a
 * repeated registration idempotent.
 */
export function licenceWorkflowId(bureau: string, licenceNumber: string): string {
  return `licence/${bureau}/${licenceNumber}`;
}

/** Stages after which nothing more happens to a licence. */
export const FINAL_STAGES: readonly LicenceStage[] = ['renewed', 'lapsed', 'revoked'];

/** Days after expiry during which a late renewal application is still accepted. */
export const DEFAULT_GRACE_DAYS = 30;

/** The renewal guidance a precise reminder letter (精准提醒) carries, as the catalogue holds it. */
export interface RenewalGuidance {
  renewalDeadline: string | null;
  officeAddress: string | null;
  servicePhone: string | null;
  materials: readonly string[];
  bookingUrl: string | null;
}

/**
 * The guidance fields a letter needs that are still unset. The booking link is optional: not
 * every office takes appointments.
 */
export function missingGuidance(guidance: RenewalGuidance): string[] {
  return [
    ...(guidance.renewalDeadline ? [] : ['renewalDeadline']),
    ...(guidance.officeAddress ? [] : ['officeAddress']),
    ...(guidance.servicePhone ? [] : ['servicePhone']),
    ...(guidance.materials.length > 0 ? [] : ['materials']),
  ];
}

/**
 * What a holder can ask the bureau for, besides being reminded: assisted handling (帮办代办) or an
 * appointment. Such a task is the holder's own; no turn of the ladder withdraws it.
 */
export const ASSISTANCE_KINDS = ['assisted_handling', 'appointment'] as const;
export type AssistanceKind = (typeof ASSISTANCE_KINDS)[number];

/** A holder's SMS reply asking to be called back, or one that needs reading: a task the department answers. */
export const SMS_REPLY_TASK = 'sms_reply';
/** How a specialist closes a reply task: called the holder back, reached no one, or nothing to do. */
export const SMS_REPLY_OUTCOMES = ['called_back', 'unreachable', 'no_action_needed'] as const;

/** Tasks the holder asked for, which no turn of the ladder withdraws. */
export const HOLDER_REQUEST_KINDS: readonly string[] = [...ASSISTANCE_KINDS, SMS_REPLY_TASK];
