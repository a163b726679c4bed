import type { PrismaClient } from '../generated/prisma/client';

/**
 * How long after a restore a text sent for the first time asks the provider's records first: as far
 * back as both providers' records reach (Tencent's status pull, 7 days). A text the lost database
 * had sent and that is sent again later than this goes twice.
 */
export const RESTORE_LOOKUP_DAYS = 7;

export interface DatabaseRestoreRecord {
  recoveredUpTo: Date;
  recordedAt: Date;
}

/**
 * Records that the engine's database was restored from a backup whose last transaction was at
 * `recoveredUpTo`, at `recordedAt`. Recorded before any engine process starts on the restored database, so that no
 * text goes before the senders know. Idempotent: the same restore recorded twice is one record.
 */
export async function recordDatabaseRestore(prisma: PrismaClient, restore: DatabaseRestoreRecord): Promise<DatabaseRestoreRecord> {
  const select = { recoveredUpTo: true, recordedAt: true } as const;
  const same = await prisma.databaseRestore.findFirst({ where: { recoveredUpTo: restore.recoveredUpTo }, orderBy: { recordedAt: 'desc' }, select });
  return same ?? prisma.databaseRestore.create({ data: restore, select });
}

/** The latest restore recorded within {@link RESTORE_LOOKUP_DAYS} of `now`, if any. */
export async function restoreWithinLookupReach(prisma: PrismaClient, now: Date): Promise<DatabaseRestoreRecord | undefined> {
  const restore = await prisma.databaseRestore.findFirst({
    where: { recordedAt: { gte: new Date(now.getTime() - RESTORE_LOOKUP_DAYS * 86_400_000) } },
    orderBy: { recordedAt: 'desc' },
    select: { recoveredUpTo: true, recordedAt: true },
  });
  return restore ?? undefined;
}
