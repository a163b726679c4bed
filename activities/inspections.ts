import type { PrismaClient } from '../generated/prisma/client';
import { recordInspectionRun, scheduledInspectionKey } from '../services/inspection-runs';

/** The schedule's inspection of a bureau on the local day it fired, kept once per day. */
export async function recordScheduledInspection(prisma: PrismaClient, input: { bureauCode: string; firedAt: number }): Promise<{ runId: string }> {
  const bureau = await prisma.bureau.findUniqueOrThrow({ where: { code: input.bureauCode } });
  const firedAt = new Date(input.firedAt);
  const run = await recordInspectionRun(prisma, { bureauCode: bureau.code, idempotencyKey: scheduledInspectionKey(bureau, firedAt), ranAt: firedAt, trigger: 'schedule' });
  return { runId: run.id };
}
