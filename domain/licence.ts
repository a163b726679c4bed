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
