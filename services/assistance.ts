import { ASSISTANCE_KINDS, type AssistanceKind } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { openHolderRequest } from './holder-requests';

export { ASSISTANCE_KINDS, type AssistanceKind };

/** How a specialist closes an assistance task. */
export const ASSISTANCE_OUTCOMES: Record<AssistanceKind, readonly string[]> = {
  assisted_handling: ['handled', 'declined', 'unreachable'],
  appointment: ['booked', 'declined', 'unreachable'],
};

/** Working days the department has to answer a holder's request. */
export const ASSISTANCE_DUE_WORKING_DAYS = 2;

export interface AssistanceRequest {
  kind: AssistanceKind;
  /** The requesting system's own id for the request: the same id again opens no second task. */
  requestId: string;
  note?: string;
  /** When the holder would like to come (appointments), as they asked for it. */
  preferredTime?: string;
}

/**
 * Puts a holder's request for assisted handling (帮办代办) or an appointment in the licence's
 * department queue, due in {@link ASSISTANCE_DUE_WORKING_DAYS} working days on the bureau's calendar.
 * Idempotent on (licence, requestId).
 * @returns the task's id and whether this call created it.
 */
export async function openAssistanceTask(prisma: PrismaClient, licenceId: string, request: AssistanceRequest, now = new Date()) {
  const licence = await prisma.licence.findUniqueOrThrow({ where: { id: licenceId }, select: { id: true, bureauCode: true } });
  const note = [request.preferredTime ? `希望时间：${request.preferredTime}` : undefined, request.note].filter(Boolean).join('；');
  return openHolderRequest(prisma, licence, {
    idempotencyKey: `assistance/${licence.id}/${request.requestId}`,
    kind: request.kind,
    from: now,
    dueWorkingDays: ASSISTANCE_DUE_WORKING_DAYS,
    note: note || null,
  });
}
