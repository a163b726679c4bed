import { DateTime } from 'luxon';
import type { PrismaClient } from '../generated/prisma/client';
import { openTaskOnce } from './task-store';
import { bureauCalendar } from './working-calendar';

/** The licence a holder's request is about. */
export interface RequestingLicence {
  id: string;
  bureauCode: string;
}

/**
 * Puts a holder's request (assisted handling, an appointment, a reply to a text) in the licence's
 * department queue, due `dueWorkingDays` working days after `from` on the bureau's calendar.
 * Idempotent on the key.
 * @returns the task's id and whether this call created it.
 */
export async function openHolderRequest(
  prisma: PrismaClient,
  licence: RequestingLicence,
  request: { idempotencyKey: string; kind: string; from: Date; dueWorkingDays: number; note: string | null },
): Promise<{ id: string; created: boolean }> {
  const existing = await prisma.humanTask.findUnique({ where: { idempotencyKey: request.idempotencyKey }, select: { id: true } });
  if (existing) return { id: existing.id, created: false };
  const { calendar } = await bureauCalendar(prisma, licence.bureauCode);
  const dueAt = calendar.addWorkingDays(DateTime.fromJSDate(request.from), request.dueWorkingDays).toJSDate().toISOString();
  const id = await openTaskOnce(prisma, { licenceId: licence.id, idempotencyKey: request.idempotencyKey, kind: request.kind, dueAt, note: request.note ?? undefined });
  return { id, created: true };
}
