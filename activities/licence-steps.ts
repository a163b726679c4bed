import type { PrismaClient } from '../generated/prisma/client';
import type { LicenceStage } from '../domain';
import { activityNow } from './clock';
import { writeLedgerEntry } from './ledger';

/** One step of a licence's life to mirror into the read model. */
export interface RecordLicenceStepInput {
  licenceId: string;
  /** Workflow id + step: a retried or replayed activity with the same key writes nothing new. */
  idempotencyKey: string;
  kind: string;
  stage: LicenceStage;
  /** ISO-8601 instant (UTC), from the workflow's clock. */
  occurredAt: string;
}

/**
 * Writes a licence step and the licence's new stage in one transaction, once per idempotency key.
 *
 * @returns `true` when this call wrote the step, `false` when it had been written before.
 */
export async function recordLicenceStep(prisma: PrismaClient, input: RecordLicenceStepInput): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const written = await tx.licenceEvent.createMany({
      data: [
        {
          licenceId: input.licenceId,
          idempotencyKey: input.idempotencyKey,
          kind: input.kind,
          occurredAt: new Date(input.occurredAt),
        },
      ],
      skipDuplicates: true,
    });
    if (written.count === 0) return false;
    await tx.licence.update({ where: { id: input.licenceId }, data: { stage: input.stage } });
    return true;
  });
}

/** Notes why a licence's workflow ended early (its revocation reason). Idempotent: it overwrites. */
export async function recordClosure(prisma: PrismaClient, input: { licenceId: string; reason: string }): Promise<void> {
  await prisma.licence.update({ where: { id: input.licenceId }, data: { closedReason: input.reason } });
}

/**
 * A licence ran out without a renewal application: its ledger row and a supervisor alert, in one
 * transaction, once per key.
 */
export async function recordExpiry(
  prisma: PrismaClient,
  input: { licenceId: string; idempotencyKey: string; message: string },
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await writeLedgerEntry(tx, {
      licenceId: input.licenceId,
      idempotencyKey: `${input.idempotencyKey}/ledger`,
      channel: 'expiry',
      outcome: 'expired_unrenewed',
      remindedBy: 'system',
      remindedAt: activityNow(),
    });
    await tx.alert.createMany({
      data: [{ licenceId: input.licenceId, idempotencyKey: `${input.idempotencyKey}/alert`, kind: 'licence_expired', message: input.message, createdAt: activityNow() }],
      skipDuplicates: true,
    });
  });
}
