import type { Prisma } from '../generated/prisma/client';
import { localDateOf, type ReminderChannel } from '../domain';
import { dateColumn } from '../services/licence-registration';

/** A reminder made, for the ledger (台账). */
export interface LedgerFacts {
  licenceId: string;
  idempotencyKey: string;
  /** How the holder was reminded; `expiry` is the row written when a licence runs out unrenewed. */
  channel: ReminderChannel | 'expiry';
  outcome: string;
  /** `system`, or the specialist who made the reminder. */
  remindedBy: string;
  remindedAt: Date;
}

/**
 * Writes one ledger row, once per idempotency key, with the licence's contact as it stands now.
 * @returns `false` when the row had been written before.
 */
export async function writeLedgerEntry(tx: Prisma.TransactionClient, facts: LedgerFacts): Promise<boolean> {
  const licence = await tx.licence.findUniqueOrThrow({
    where: { id: facts.licenceId },
    include: { bureau: true, catalogueEntry: { include: { department: true } } },
  });
  const remindedOn = localDateOf(facts.remindedAt, licence.bureau.timeZone);
  const written = await tx.ledgerEntry.createMany({
    data: [
      {
        idempotencyKey: facts.idempotencyKey,
        licenceId: licence.id,
        bureauCode: licence.bureauCode,
        departmentName: licence.catalogueEntry.department.name,
        holderName: licence.holderName,
        licenceName: licence.catalogueEntry.licenceName,
        licenceNumber: licence.licenceNumber,
        expiresOn: licence.expiresOn,
        contactName: licence.contactName,
        contactPhone: licence.contactPhone,
        remindedAt: facts.remindedAt,
        remindedOn: dateColumn(remindedOn),
        remindedBy: facts.remindedBy,
        channel: facts.channel,
        outcome: facts.outcome,
      },
    ],
    skipDuplicates: true,
  });
  return written.count === 1;
}
